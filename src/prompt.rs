//! Asking a person: only when one is there (standard input and standard error both
//! terminals), with terminal failures reported as one line.

use std::io::IsTerminal;

use crate::error::Error;

/// Whether gwctl may prompt.
pub fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// A prompt that could not be read.
pub fn prompt_err(e: dialoguer::Error) -> Error {
    Error::Input(format!("cannot read from the terminal: {e}"))
}

/// Yes or no, defaulting to no.
pub fn confirm(question: &str) -> Result<bool, Error> {
    dialoguer::Confirm::new().with_prompt(question).default(false).interact().map_err(prompt_err)
}
