//! Asking a person: only when one is there (standard input and standard error both
//! terminals), with terminal failures reported as one line.

use std::io::IsTerminal;

use zeroize::Zeroizing;

use crate::error::Error;

/// How often a secret may be typed twice differently before gwctl gives up.
pub const SECRET_TRIES: u32 = 3;

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

/// One of `items` (arrow keys and Enter); returns its index.
pub fn select(question: &str, items: &[String], default: usize) -> Result<usize, Error> {
    dialoguer::Select::new()
        .with_prompt(question)
        .items(items)
        .default(default.min(items.len().saturating_sub(1)))
        .interact()
        .map_err(prompt_err)
}

/// A line of text; `check` refuses a value with a reason (asked again); Enter alone takes
/// `default` when there is one. With `optional`, an empty answer is `None`.
pub fn text(
    question: &str,
    default: Option<&str>,
    optional: bool,
    check: impl Fn(&str) -> Result<(), String>,
) -> Result<Option<String>, Error> {
    let mut input = dialoguer::Input::<String>::new().with_prompt(question).allow_empty(optional);
    if let Some(d) = default {
        input = input.default(d.to_string());
    }
    let answer = input
        .validate_with(|v: &String| -> Result<(), String> {
            match v.trim() {
                "" if optional => Ok(()),
                "" => Err("an answer is needed".into()),
                v => check(v),
            }
        })
        .interact_text()
        .map_err(prompt_err)?;
    let answer = answer.trim();
    Ok((!answer.is_empty()).then(|| answer.to_string()))
}

/// A secret typed twice without echo: entries that differ are asked again, at most
/// [`SECRET_TRIES`] times.
pub fn secret_confirmed(question: &str) -> Result<Zeroizing<String>, Error> {
    for attempt in 1..=SECRET_TRIES {
        let first = Zeroizing::new(dialoguer::Password::new().with_prompt(question).interact().map_err(prompt_err)?);
        let second = Zeroizing::new(
            dialoguer::Password::new().with_prompt(format!("{question} (again)")).interact().map_err(prompt_err)?,
        );
        if *first == *second {
            return Ok(first);
        }
        if attempt < SECRET_TRIES {
            eprintln!("gwctl: the two entries differ; type it again ({} tries left)", SECRET_TRIES - attempt);
        }
    }
    Err(Error::Input(format!("the two entries of the secret differed {SECRET_TRIES} times: nothing was saved")))
}
