import VGPUPrimitives

/// The GSP_RM_CONTROL RPC (function 76): an RM control call carried to GSP-RM, in the
/// `rpc_gsp_rm_control_v03_00` envelope (same in 535 and 570; little endian, 24-byte header):
/// u32 hClient @0, u32 hObject @4, u32 cmd @8, u32 status @12 (GSP-RM's answer), u32 paramsSize @16,
/// u32 flags @20, params @24.
public struct GSPRMControl: Sendable, Equatable {
    /// Header size.
    public static let headerSize = 24

    public var client: UInt32
    public var object: UInt32
    public var command: UInt32
    /// NV_STATUS: 0 on the way in; GSP-RM's result on the way back.
    public var status: UInt32
    public var flags: UInt32
    public var params: [UInt8]

    /// A control call.
    public init(client: UInt32 = 0, object: UInt32 = 0, command: UInt32, status: UInt32 = 0, flags: UInt32 = 0, params: [UInt8]) {
        self.client = client
        self.object = object
        self.command = command
        self.status = status
        self.flags = flags
        self.params = params
    }

    /// The RPC payload.
    public func encode() -> [UInt8] {
        var b = [UInt8](repeating: 0, count: Self.headerSize)
        for (offset, value) in [(0, client), (4, object), (8, command), (12, status), (16, UInt32(params.count)), (20, flags)] {
            LittleEndian.put(&b, offset, UInt64(value), 4)
        }
        return b + params
    }

    /// Decodes a payload; nil when it is shorter than its header says.
    public static func decode(_ b: [UInt8]) -> GSPRMControl? {
        guard b.count >= headerSize else { return nil }
        let size = Int(LittleEndian.get(b, 16, 4))
        guard b.count - headerSize == size else { return nil }
        return GSPRMControl(client: UInt32(LittleEndian.get(b, 0, 4)), object: UInt32(LittleEndian.get(b, 4, 4)),
                            command: UInt32(LittleEndian.get(b, 8, 4)), status: UInt32(LittleEndian.get(b, 12, 4)),
                            flags: UInt32(LittleEndian.get(b, 20, 4)), params: Array(b[headerSize...]))
    }
}

/// NV_STATUS values the vGPU controls answer with (nvstatuscodes.h).
public enum NVStatus {
    public static let ok: UInt32 = 0
    /// NV_ERR_INVALID_ARGUMENT.
    public static let invalidArgument: UInt32 = 0x1f
    /// NV_ERR_INVALID_STATE.
    public static let invalidState: UInt32 = 0x40

    /// `NV_ERR_INVALID_ARGUMENT (0x1f)`, or the bare number for codes not named here.
    public static func describe(_ status: UInt32) -> String {
        switch status {
        case ok: "NV_OK"
        case invalidArgument: "NV_ERR_INVALID_ARGUMENT (0x1f)"
        case invalidState: "NV_ERR_INVALID_STATE (0x40)"
        default: "NV_STATUS \(hex: status)"
        }
    }
}
