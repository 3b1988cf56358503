//! The signing time: one instant, formatted the ways the schemes need it.

use time::{OffsetDateTime, PrimitiveDateTime, format_description::FormatItem, macros::format_description};

use super::SigningError;

const AMZ_FORMAT: &[FormatItem<'static>] = format_description!("[year][month][day]T[hour][minute][second]Z");

/// A signing instant in UTC, with whole-second precision (every scheme signs seconds).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SigningTime(OffsetDateTime);

impl SigningTime {
    /// The current time. The only clock read in the signing module; signers themselves take
    /// the time as an argument so that they stay pure.
    pub fn now() -> Self {
        Self::from_unix(OffsetDateTime::now_utc().unix_timestamp()).expect("the clock is in range")
    }

    /// From seconds since the Unix epoch.
    pub fn from_unix(secs: i64) -> Result<Self, SigningError> {
        OffsetDateTime::from_unix_timestamp(secs).map(Self).map_err(|_| SigningError::InvalidTime(secs.to_string()))
    }

    /// Parses `20150830T123600Z` (the SigV4 `X-Amz-Date` form) or RFC 3339
    /// (`2015-08-30T12:36:00Z`, any offset).
    pub fn parse(s: &str) -> Result<Self, SigningError> {
        let s = s.trim();
        if let Ok(t) = PrimitiveDateTime::parse(s, AMZ_FORMAT) {
            return Ok(Self(t.assume_utc()));
        }
        if let Ok(t) = OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339) {
            return Self::from_unix(t.unix_timestamp());
        }
        Err(SigningError::InvalidTime(s.chars().take(40).collect()))
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
}
