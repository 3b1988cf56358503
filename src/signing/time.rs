//! The signing time: one instant, formatted the ways the schemes need it.

use time::{OffsetDateTime, PrimitiveDateTime, format_description::FormatItem, macros::format_description};

use super::SigningError;

const AMZ_FORMAT: &[FormatItem<'static>] = format_description!("[year][month][day]T[hour][minute][second]Z");

/// 1970-01-01T00:00:00Z.
const MIN_UNIX: i64 = 0;
/// 9999-12-31T23:59:59Z.
const MAX_UNIX: i64 = 253_402_300_799;

/// `YYYYMMDDTHHMMSSZ`: digits where digits belong, nothing else (no sign, no extra digit).
fn is_amz_shape(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 16 && b[8] == b'T' && b[15] == b'Z' && b[..8].iter().chain(&b[9..15]).all(u8::is_ascii_digit)
}

/// A signing instant in UTC, with whole-second precision (every scheme signs seconds).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SigningTime(OffsetDateTime);

impl SigningTime {
    /// The current time. The only clock read in the signing module; signers themselves take
    /// the time as an argument so that they stay pure. A clock outside 1970–9999 (which no
    /// signature could carry) is clamped to the nearest end.
    pub fn now() -> Self {
        let secs = OffsetDateTime::now_utc().unix_timestamp().clamp(MIN_UNIX, MAX_UNIX);
        Self::from_unix(secs).unwrap_or(Self(OffsetDateTime::UNIX_EPOCH))
    }

    /// From seconds since the Unix epoch; only instants from 1970-01-01T00:00:00Z to
    /// 9999-12-31T23:59:59Z (the four-digit years every scheme's date format has).
    pub fn from_unix(secs: i64) -> Result<Self, SigningError> {
        if !(MIN_UNIX..=MAX_UNIX).contains(&secs) {
            return Err(SigningError::InvalidTime(secs.to_string()));
        }
        OffsetDateTime::from_unix_timestamp(secs).map(Self).map_err(|_| SigningError::InvalidTime(secs.to_string()))
    }

    /// Parses `20150830T123600Z` (the SigV4 `X-Amz-Date` form: exactly 16 characters) or RFC 3339
    /// (`2015-08-30T12:36:00Z`, any offset). Years outside 1970–9999 are refused: a sign, a
    /// fifth year digit or a year before the epoch is a typo, never a time to sign.
    pub fn parse(s: &str) -> Result<Self, SigningError> {
        let s = s.trim();
        let bad = || SigningError::InvalidTime(s.chars().filter(|c| !c.is_control()).take(40).collect());
        if is_amz_shape(s) {
            let t = PrimitiveDateTime::parse(s, AMZ_FORMAT).map_err(|_| bad())?;
            return Self::from_unix(t.assume_utc().unix_timestamp()).map_err(|_| bad());
        }
        // RFC 3339 starts with four year digits; `time` would also take a sign or more digits.
        if s.len() >= 5
            && s.as_bytes()[..4].iter().all(u8::is_ascii_digit)
            && s.as_bytes()[4] == b'-'
            && let Ok(t) = OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        {
            return Self::from_unix(t.unix_timestamp()).map_err(|_| bad());
        }
        Err(bad())
    }

    /// Seconds since the Unix epoch.
    pub fn unix(&self) -> i64 {
        self.0.unix_timestamp()
    }

    /// `YYYYMMDDTHHMMSSZ`, the date header value of SigV4 and the AK/SK variants.
    pub fn amz_date(&self) -> String {
        let t = self.0;
        let mut s = String::with_capacity(16);
        push_digits(&mut s, t.year() as u32, 4);
        push_digits(&mut s, t.month() as u32, 2);
        push_digits(&mut s, t.day() as u32, 2);
        s.push('T');
        push_digits(&mut s, t.hour() as u32, 2);
        push_digits(&mut s, t.minute() as u32, 2);
        push_digits(&mut s, t.second() as u32, 2);
        s.push('Z');
        s
    }

    /// `YYYYMMDD`, the date part of a SigV4 credential scope.
    pub fn date_stamp(&self) -> String {
        let mut s = self.amz_date();
        s.truncate(8);
        s
    }
}

fn push_digits(s: &mut String, mut n: u32, width: u32) {
    let mut div = 10u32.pow(width - 1);
    for _ in 0..width {
        s.push(char::from(b'0' + (n / div % 10) as u8));
        n %= div.max(1);
        div /= 10;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_forms() {
        let a = SigningTime::parse("20150830T123600Z").unwrap();
        let b = SigningTime::parse("2015-08-30T12:36:00Z").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.amz_date(), "20150830T123600Z");
        assert_eq!(a.date_stamp(), "20150830");
        assert_eq!(a.unix(), 1_440_938_160);
    }

    #[test]
    fn rejects_garbage() {
        for bad in ["", "2015", "20150830T123600", "20151330T123600Z", "yesterday"] {
            assert!(SigningTime::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn out_of_range_years_are_refused() {
        for bad in [
            "-20150830T123600Z",
            "+20150830T123600Z",
            "120150830T123600Z",
            "19691231T235959Z",
            "-2015-08-30T12:36:00Z",
            "+12015-08-30T12:36:00Z",
            "1969-12-31T23:59:59Z",
            "0000-01-01T00:00:00Z",
        ] {
            assert!(SigningTime::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(SigningTime::parse("99991231T235959Z").unwrap().amz_date(), "99991231T235959Z");
        assert!(SigningTime::from_unix(-1).is_err());
        assert!(SigningTime::from_unix(253_402_300_800).is_err());
        assert!(SigningTime::now().unix() > 1_700_000_000);
    }
}
