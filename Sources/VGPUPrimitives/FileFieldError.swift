/// Why an input file was refused: the file, the field within it, and what is wrong with that field.
///
/// The one shape of every error about a file's contents. Firmware images use it with a typed problem
/// (`FirmwareError`, whose kinds the bad-input corpus matches); the project's JSON documents use it
/// with a sentence (`ManifestError`). Tests match on `field` and `problem`; people read `description`.
public struct FileFieldError<Problem: Equatable & Sendable & CustomStringConvertible>: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file, as the caller named it: a path, or an embedded document's name.
    public let file: String
    /// Where in the file: a header field (`bin_hdr.data_offset`), a section, or a JSON path
    /// (`releases[0].chips[1].files[2].sha256`); `$` for the file as a whole.
    public let field: String
    /// What is wrong, and what was expected.
    public let problem: Problem

    /// An error about `field` of `file`.
    public init(file: String, field: String, problem: Problem) {
        self.file = file
        self.field = field
        self.problem = problem
    }

    /// `file: field: problem`, e.g. `firmware-manifests/ada.json: releases[0].version: ...`.
    public var description: String { "\(file): \(field): \(problem)" }
}
