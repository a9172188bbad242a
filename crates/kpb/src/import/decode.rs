//! Bytes to text: UTF-8 with or without BOM, UTF-16 (Excel's "Unicode-text"), Windows-1252.
//!
//! With the standard library and Windows-1252's 32 own characters, not encoding_rs: decoding a
//! runtime-chosen encoding there links every encoding's decoder and tables into the web app.
//! The tests hold both to encoding_rs, byte for byte.

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
    /// UTF-8 with some lines in Windows-1252 (a line pasted in from another file), each line
    /// read in its own: [`windows_1252_lines`].
    Utf8AndWindows1252,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 med BOM",
            Encoding::Utf16 => "UTF-16",
            Encoding::Windows1252 => "Windows-1252",
            Encoding::Utf8Repaired => "UTF-8, dubbelkodad (rättad)",
            Encoding::Utf8AndWindows1252 => "UTF-8, några rader Windows-1252",
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
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return match std::str::from_utf8(rest) {
            Ok(text) => text_or_binary(Cow::Borrowed(text), Encoding::Utf8Bom),
            Err(_) if mostly_utf8(rest) => text_or_binary(Cow::Owned(by_line(rest)), Encoding::Utf8AndWindows1252),
            Err(_) => Content::Binary,
        };
    }
    let wide = match bytes {
        [0xFF, 0xFE, rest @ ..] => Some((rest, Endian::Little)),
        [0xFE, 0xFF, rest @ ..] => Some((rest, Endian::Big)),
        _ => utf16_without_bom(bytes).map(|endian| (bytes, endian)),
    };
    if let Some((units, endian)) = wide {
        return match utf16(units, endian) {
            Some(text) => text_or_binary(Cow::Owned(text), Encoding::Utf16),
            None => Content::Binary,
        };
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => match repair_double_encoding(text) {
            Some(fixed) => text_or_binary(Cow::Owned(fixed), Encoding::Utf8Repaired),
            None => text_or_binary(Cow::Borrowed(text), Encoding::Utf8),
        },
        Err(_) if mostly_utf8(bytes) => text_or_binary(Cow::Owned(by_line(bytes)), Encoding::Utf8AndWindows1252),
        Err(_) => text_or_binary(Cow::Owned(windows_1252(bytes)), Encoding::Windows1252),
    }
}

/// The file's physical lines, each with its end, as the text reader counts them: a line ends at
/// LF, CRLF or a CR alone.
fn lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = bytes;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = match memchr::memchr2(b'\n', b'\r', rest) {
            Some(i) if rest[i] == b'\r' && rest.get(i + 1) == Some(&b'\n') => i + 2,
            Some(i) => i + 1,
            None => rest.len(),
        };
        let (line, after) = rest.split_at(end);
        rest = after;
        Some(line)
    })
}

/// Whether text that is not UTF-8 as a whole is UTF-8 in most of its lines with letters beyond
/// ASCII: then the others are lines of another encoding pasted in, not a Windows-1252 file
/// (whose å, ä and ö are never UTF-8).
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut utf8, mut other) = (0usize, 0usize);
    for line in lines(bytes).filter(|l| !l.is_ascii()) {
        if std::str::from_utf8(line).is_ok() {
            utf8 += 1;
        } else {
            other += 1;
        }
    }
    utf8 > other
}

/// Each line as UTF-8 where it is, else as Windows-1252.
fn by_line(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for line in lines(bytes) {
        match std::str::from_utf8(line) {
            Ok(text) => out.push_str(text),
            Err(_) => out.push_str(&windows_1252(line)),
        }
    }
    out
}

/// The lines (from 1) of a file read as [`Encoding::Utf8AndWindows1252`] that were Windows-1252.
pub fn windows_1252_lines(bytes: &[u8]) -> Vec<u32> {
    lines(bytes).zip(1..).filter(|(line, _)| std::str::from_utf8(line).is_err()).map(|(_, n)| n).collect()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Endian {
    Little,
    Big,
}

/// UTF-16 text, or `None` when it is malformed (an unpaired surrogate, an odd byte at the end).
fn utf16(bytes: &[u8], endian: Endian) -> Option<String> {
    let pairs = bytes.chunks_exact(2);
    if !pairs.remainder().is_empty() {
        return None;
    }
    let units = pairs.map(|p| match endian {
        Endian::Little => u16::from_le_bytes([p[0], p[1]]),
        Endian::Big => u16::from_be_bytes([p[0], p[1]]),
    });
    char::decode_utf16(units).collect::<Result<String, _>>().ok()
}

/// Windows-1252's characters for the bytes 0x80–0x9F, as the WHATWG Encoding Standard has them
/// (the five bytes it leaves undefined are the C1 controls of the same number). Every other
/// byte is the character of the same number.
const CP1252_80_9F: [char; 32] = [
    '\u{20AC}', '\u{81}', '\u{201A}', '\u{192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}', '\u{2C6}', '\u{2030}',
    '\u{160}', '\u{2039}', '\u{152}', '\u{8D}', '\u{17D}', '\u{8F}', '\u{90}', '\u{2018}', '\u{2019}', '\u{201C}',
    '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}', '\u{2DC}', '\u{2122}', '\u{161}', '\u{203A}', '\u{153}', '\u{9D}',
    '\u{17E}', '\u{178}',
];

/// Windows-1252 text (every byte is a character). Runs of ASCII are copied as they are.
fn windows_1252(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + bytes.len() / 4);
    let mut rest = bytes;
    loop {
        let ascii = rest.iter().position(|b| !b.is_ascii()).unwrap_or(rest.len());
        out.push_str(std::str::from_utf8(&rest[..ascii]).unwrap_or_default());
        let Some((&b, after)) = rest[ascii..].split_first() else { return out };
        out.push(if (0x80..0xA0).contains(&b) { CP1252_80_9F[usize::from(b - 0x80)] } else { char::from(b) });
        rest = after;
    }
}

/// A character's Windows-1252 byte, if it has one.
fn windows_1252_byte(c: char) -> Option<u8> {
    match u32::from(c) {
        n @ (0..0x80 | 0xA0..0x100) => u8::try_from(n).ok(),
        _ => CP1252_80_9F.iter().position(|&x| x == c).and_then(|i| u8::try_from(0x80 + i).ok()),
    }
}

/// UTF-16 without a byte order mark: ASCII text has every other byte zero.
fn utf16_without_bom(bytes: &[u8]) -> Option<Endian> {
    let head = &bytes[..bytes.len().min(512) & !1];
    if head.len() < 4 {
        return None;
    }
    let pairs = head.len() / 2;
    let zero_at = |parity: usize| head.iter().skip(parity).step_by(2).filter(|&&b| b == 0).count();
    let (even, odd) = (zero_at(0), zero_at(1));
    if odd * 10 >= pairs * 9 && even == 0 {
        Some(Endian::Little)
    } else if even * 10 >= pairs * 9 && odd == 0 {
        Some(Endian::Big)
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
    let bytes: Option<Vec<u8>> = text.chars().map(windows_1252_byte).collect();
    String::from_utf8(bytes?).ok()
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
    fn a_windows_1252_line_in_utf8_is_read_as_windows_1252_alone() {
        let bytes = b"Insats;Enhet\nHemtj\xc3\xa4nst;S\xc3\xb6der\nHemtj\xe4nst;S\xf6der\nHemtj\xc3\xa4nst;Norr\n";
        assert_eq!(
            text(decode(bytes)),
            ("Insats;Enhet\nHemtjänst;Söder\nHemtjänst;Söder\nHemtjänst;Norr\n".into(), Encoding::Utf8AndWindows1252)
        );
        assert_eq!(windows_1252_lines(bytes), [3]);
        // Lines end as the reader ends them: LF, CRLF or a CR alone.
        let ends = b"Insats;Enhet\r\nHemtj\xc3\xa4nst;A\rHemtj\xc3\xa4nst;B\nHemtj\xe4nst;C\r\nHemtj\xe4nst;D";
        assert_eq!(windows_1252_lines(ends), [4, 5]);
        // A Windows-1252 file stays one, whatever its lines.
        let cp1252 = b"Insats;Enhet\nHemtj\xe4nst;S\xf6der\nHemtj\xe4nst;Norr\n";
        assert_eq!(text(decode(cp1252)).1, Encoding::Windows1252);
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
    fn utf16_in_either_byte_order_with_or_without_bom() {
        let big: Vec<u8> = "Kön;År".encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(text(decode(&[&[0xFE, 0xFF][..], &big].concat())), ("Kön;År".into(), Encoding::Utf16));
        assert_eq!(text(decode(&big)), ("Kön;År".into(), Encoding::Utf16));
        // A BOM alone is an empty text; an odd byte or a lone surrogate after one is no text.
        assert_eq!(text(decode(&[0xFF, 0xFE])), (String::new(), Encoding::Utf16));
        assert_eq!(decode(&[0xFF, 0xFE, b'K', 0, b'o']), Content::Binary);
        assert_eq!(decode(&[0xFF, 0xFE, b'K', 0, 0x00, 0xD8, b'o', 0]), Content::Binary);
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

    // The decoders against encoding_rs, the reference implementation of the WHATWG standard.

    #[test]
    fn windows_1252_is_encoding_rs_for_every_byte_and_every_character() {
        let all: Vec<u8> = (0..=255).collect();
        let (reference, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&all);
        assert_eq!(windows_1252(&all), reference);
        for b in 0..=255u8 {
            assert_eq!(
                windows_1252(&[b'a', b, b'z']),
                encoding_rs::WINDOWS_1252.decode_without_bom_handling(&[b'a', b, b'z']).0
            );
        }
        let mut buffer = [0; 4];
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(c.encode_utf8(&mut buffer));
            assert_eq!(windows_1252_byte(c), (!unmappable).then(|| bytes[0]), "{c:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn utf16_is_encoding_rs(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64), little: bool) {
            let (endian, reference) =
                if little { (Endian::Little, encoding_rs::UTF_16LE) } else { (Endian::Big, encoding_rs::UTF_16BE) };
            let (text, malformed) = reference.decode_without_bom_handling(&bytes);
            proptest::prop_assert_eq!(utf16(&bytes, endian), (!malformed).then(|| text.into_owned()));
        }

        #[test]
        fn utf16_of_real_text_is_encoding_rs(text in "\\PC{0,40}", little: bool) {
            let units = text.encode_utf16();
            let bytes: Vec<u8> = if little { units.flat_map(u16::to_le_bytes).collect() } else { units.flat_map(u16::to_be_bytes).collect() };
            let endian = if little { Endian::Little } else { Endian::Big };
            proptest::prop_assert_eq!(utf16(&bytes, endian), Some(text));
        }

        #[test]
        fn windows_1252_text_is_encoding_rs(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200)) {
            proptest::prop_assert_eq!(windows_1252(&bytes), encoding_rs::WINDOWS_1252.decode_without_bom_handling(&bytes).0);
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
