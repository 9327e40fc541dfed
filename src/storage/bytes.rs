//! Binary fields (sealed data, blinded ids) inside stored JSON records, written as base64 text.
//!
//! serde_json writes a `Vec<u8>` as an array of numbers: three to four characters a byte, so a
//! sealed description of 300 bytes took about 1,100. Base64 takes four characters per three
//! bytes. Both forms are read, so records written before need no migration; each is written
//! anew in the short form whenever it changes.
//!
//! Use with `#[serde(with = "super::bytes::text")]` (a `Vec<u8>`) or `bytes::text16` (a
//! `[u8; 16]`).

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use serde::de::{self, SeqAccess, Visitor};
use serde::{Deserializer, Serializer};

/// Reads either form into bytes.
struct EitherForm;

impl<'de> Visitor<'de> for EitherForm {
    type Value = Vec<u8>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("base64 text or an array of bytes")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Vec<u8>, E> {
        STANDARD_NO_PAD
            .decode(text)
            .map_err(|_| E::custom("not base64"))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u8>, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(byte) = seq.next_element::<u8>()? {
            out.push(byte);
        }
        Ok(out)
    }
}

/// A `Vec<u8>` field.
pub mod text {
    use super::*;

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD_NO_PAD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        d.deserialize_any(EitherForm)
    }
}

/// A `[u8; 16]` field (a blinded id).
pub mod text16 {
    use super::*;

    pub fn serialize<S: Serializer>(bytes: &[u8; 16], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD_NO_PAD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 16], D::Error> {
        let bytes = d.deserialize_any(EitherForm)?;
        <[u8; 16]>::try_from(bytes.as_slice())
            .map_err(|_| de::Error::invalid_length(bytes.len(), &"16 bytes"))
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Record {
        #[serde(with = "super::text")]
        sealed: Vec<u8>,
        #[serde(with = "super::text16")]
        user: [u8; 16],
    }

    fn record() -> Record {
        Record {
            sealed: (0..=255).collect(),
            user: [7; 16],
        }
    }

    #[test]
    fn a_record_is_written_as_text_and_read_back_the_same() {
        let json = serde_json::to_string(&record()).expect("serializes");
        assert!(json.starts_with(r#"{"sealed":"AAECAwQF"#), "{json}");
        assert_eq!(serde_json::from_str::<Record>(&json).ok(), Some(record()));
    }

    #[test]
    fn the_text_form_is_under_half_the_array_form() {
        #[derive(Serialize)]
        struct Before {
            sealed: Vec<u8>,
            user: [u8; 16],
        }
        let r = record();
        let before = serde_json::to_vec(&Before {
            sealed: r.sealed.clone(),
            user: r.user,
        })
        .expect("serializes");
        let now = serde_json::to_vec(&r).expect("serializes");
        assert!(
            now.len() * 2 < before.len(),
            "{} vs {}",
            now.len(),
            before.len()
        );
    }

    #[test]
    fn a_record_written_before_as_arrays_of_numbers_still_reads() {
        let before = format!(
            r#"{{"sealed":{:?},"user":{:?}}}"#,
            (0..=255).collect::<Vec<u8>>(),
            [7u8; 16]
        );
        assert_eq!(serde_json::from_str::<Record>(&before).ok(), Some(record()));
    }

    #[test]
    fn a_blinded_id_of_the_wrong_length_or_bad_text_is_refused() {
        assert!(serde_json::from_str::<Record>(r#"{"sealed":"AA","user":[1,2,3]}"#).is_err());
        assert!(serde_json::from_str::<Record>(r#"{"sealed":"!!","user":"AAAA"}"#).is_err());
    }
}
