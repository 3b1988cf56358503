//! The documented exit codes (README's table): a small L0 value type, so every layer's error
//! type can say which code it stands for (`exit_code()`), while only the binary exits.

/// Process exit codes (see the table in the module docs and README).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum ExitCode {
    Success = 0,
    Internal = 1,
    Usage = 2,
    InvalidInput = 3,
    Credentials = 4,
    Io = 5,
    Store = 6,
    Profile = 7,
    Network = 8,
    ClientStatus = 9,
    ServerStatus = 10,
    Rotation = 11,
    /// `invoke batch` finished, but some lines failed (the output or errors file says which).
    BatchPartial = 12,
}
