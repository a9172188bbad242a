//! Bytes to text: UTF-8 with or without BOM, UTF-16 (Excel's "Unicode-text"), Windows-1252.

use std::borrow::Cow;

/// What a file's bytes turned out to be.
#[derive(Debug, PartialEq, Eq)]
pub enum Content<'a> {
    /// Text, decoded; `encoding` names what it was read as.
    /// Borrowed from the input when it was UTF-8 already (no copy of a large file).
    Text { text: Cow<'a, str>, encoding: Encoding },
    /// A ZIP container: an `.xlsx` workbook (or another Office file).
    Zip,
    /// The legacy binary Excel format (`.xls`), which the tool does not read.
    LegacyExcel,
    /// Not text: NUL bytes or control characters in what should be a text file.
    Binary,
    /// No bytes at all.
    Empty,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16,
    Windows1252,
    /// UTF-8 that had been encoded twice, repaired.
    Utf8Repaired,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 med BOM",
            Encoding::Utf16 => "UTF-16",
            Encoding::Windows1252 => "Windows-1252",
            Encoding::Utf8Repaired => "UTF-8, dubbelkodad (rättad)",
        }
    }
}

/// Decodes a file's bytes. Never fails: what is not text says so.
pub fn decode(bytes: &[u8]) -> Content<'_> {
    if bytes.is_empty() {
        return Content::Empty;
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Content::Zip;
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Content::LegacyExcel;
    }
    if let Some((enc, _)) = encoding_rs::Encoding::for_bom(bytes) {
        if enc == encoding_rs::UTF_8 {
            return match std::str::from_utf8(&bytes[3..]) {
                Ok(text) => text_or_binary(Cow::Borrowed(text), Encoding::Utf8Bom),
                Err(_) => Content::Binary,
            };
        }
        let (text, _, malformed) = enc.decode(bytes);
        return if malformed {
            Content::Binary
        } else {
            text_or_binary(Cow::Owned(text.into_owned()), Encoding::Utf16)
        };
    }
    if let Some(enc) = utf16_without_bom(bytes) {
        let (text, malformed) = enc.decode_without_bom_handling(bytes);
        return if malformed {
            Content::Binary
        } else {
            text_or_binary(Cow::Owned(text.into_owned()), Encoding::Utf16)
        };
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => match repair_double_encoding(text) {
            Some(fixed) => text_or_binary(Cow::Owned(fixed), Encoding::Utf8Repaired),
            None => text_or_binary(Cow::Borrowed(text), Encoding::Utf8),
        },
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            text_or_binary(Cow::Owned(text.into_owned()), Encoding::Windows1252)
        }
    }
}

/// UTF-16 without a byte order mark: ASCII text has every other byte zero.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &bytes[..bytes.len().min(512) & !1];
    if head.len() < 4 {
        return None;
    }
    let pairs = head.len() / 2;
    let zero_at = |parity: usize| head.iter().skip(parity).step_by(2).filter(|&&b| b == 0).count();
    let (even, odd) = (zero_at(0), zero_at(1));
    if odd * 10 >= pairs * 9 && even == 0 {
        Some(encoding_rs::UTF_16LE)
    } else if even * 10 >= pairs * 9 && odd == 0 {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// Text that was UTF-8, read as Windows-1252 and saved as UTF-8 again ("KÃ¶n" for "Kön"):
/// undone when it reads back as valid UTF-8.
fn repair_double_encoding(text: &str) -> Option<String> {
    // å ä ö Å Ä Ö so read: "Ã" and one of these. (One search for "Ã" through the text.)
    const SECOND: [char; 6] = ['¥', '¤', '¶', '…', '„', '–'];
    let marked = memchr::memmem::find_iter(text.as_bytes(), "Ã")
        .any(|at| text[at + 'Ã'.len_utf8()..].chars().next().is_some_and(|c| SECOND.contains(&c)));
    if !marked {
        return None;
    }
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
    if unmappable {
        return None;
    }
    String::from_utf8(bytes.into_owned()).ok()
}

fn text_or_binary(text: Cow<'_, str>, encoding: Encoding) -> Content<'_> {
    let head: String = text.chars().take(8192).collect();
    let control =
        head.chars().filter(|&c| (c < ' ' && !matches!(c, '\t' | '\n' | '\r' | '\x0c')) || c == '\u{fffd}').count();
    if head.contains('\0') || (control > 0 && control * 100 >= head.chars().count().max(1)) {
        Content::Binary
    } else {
        Content::Text { text, encoding }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(c: Content) -> (String, Encoding) {
        match c {
            Content::Text { text, encoding } => (text.into_owned(), encoding),
            other => panic!("not text: {other:?}"),
        }
    }

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(text(decode("Kön;Ålder".as_bytes())), ("Kön;Ålder".into(), Encoding::Utf8));
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice("Kön".as_bytes());
        assert_eq!(text(decode(&bom)), ("Kön".into(), Encoding::Utf8Bom));
    }

    #[test]
    fn windows_1252_from_swedish_excel() {
        // "Kön;Särskilt boende" as Excel writes it on a Swedish Windows.
        let bytes = b"K\xf6n;S\xe4rskilt boende \x96 \x80";
        assert_eq!(text(decode(bytes)), ("Kön;Särskilt boende – €".into(), Encoding::Windows1252));
    }

    #[test]
    fn utf16_le_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "Kön\tÅr".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(text(decode(&bytes)), ("Kön\tÅr".into(), Encoding::Utf16));
    }

    #[test]
    fn utf16_without_bom_and_double_encoded_utf8() {
        let bytes: Vec<u8> = "Kön;År".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(text(decode(&bytes)), ("Kön;År".into(), Encoding::Utf16));
        let twice = "KÃ¶n;SÃ¤rskilt boende".as_bytes();
        assert_eq!(text(decode(twice)), ("Kön;Särskilt boende".into(), Encoding::Utf8Repaired));
        // Each of å ä ö Å Ä Ö alone is a sign of it; "Ã" alone, or before another letter, is not.
        for (twice, once) in [("Ã¥", "å"), ("Ã¤", "ä"), ("Ã¶", "ö"), ("Ã…", "Å"), ("Ã„", "Ä"), ("Ã–", "Ö")]
        {
            let bytes = format!("Enhet;{twice}");
            assert_eq!(text(decode(bytes.as_bytes())), (format!("Enhet;{once}"), Encoding::Utf8Repaired), "{twice}");
        }
        for plain in ["Ã", "Enhet;ÃX", "São Tomé;Ã"] {
            assert_eq!(text(decode(plain.as_bytes())), (plain.into(), Encoding::Utf8), "{plain}");
        }
    }

    #[test]
    fn binary_zip_and_xls_are_recognised() {
        assert_eq!(decode(b""), Content::Empty);
        assert_eq!(decode(b"PK\x03\x04rest"), Content::Zip);
        assert_eq!(decode(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1]), Content::LegacyExcel);
        assert_eq!(decode(b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0"), Content::Binary);
    }
}
