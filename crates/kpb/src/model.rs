//! The domain vocabulary: regi, sex, boendeform, kind of volume, and the insats catalogue of
//! step 1 ([`crate::steps::catalogue`]), re-exported here as the words every module uses.

pub use crate::steps::catalogue::{Insats, InsatsInfo, Scope, VolumeUnit};
use serde::{Deserialize, Serialize};

/// The text with its first letter in lower case, for a name inside a sentence
/// ("Personlig assistans LSS" → "personlig assistans LSS"); an acronym ("LSS") stays.
pub fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match (chars.next(), text.chars().nth(1)) {
        (Some(first), Some(second)) if !second.is_uppercase() => first.to_lowercase().chain(chars).collect(),
        _ => text.to_owned(),
    }
}

/// [`normalise`] without allocating when the text is already in that form.
pub fn normalised(text: &str) -> std::borrow::Cow<'_, str> {
    let clean = !text.starts_with(' ')
        && !text.ends_with(' ')
        && !text.contains("  ")
        && text.chars().all(|c| !c.is_uppercase() && (c == ' ' || !c.is_whitespace()));
    if clean { std::borrow::Cow::Borrowed(text) } else { std::borrow::Cow::Owned(normalise(text)) }
}

/// Lower-cases, trims and collapses inner whitespace: the form local names are compared in.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// Who performs the insats.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Regi {
    #[default]
    Egen,
    Annan,
}

impl Regi {
    pub fn name(self) -> &'static str {
        match self {
            Regi::Egen => "egen regi",
            Regi::Annan => "annan regi",
        }
    }

    pub fn recognise(text: &str) -> Option<Regi> {
        match normalised(text).as_ref() {
            "egen" | "egen regi" | "e" | "kommunal" | "kommunal regi" | "intern" => Some(Regi::Egen),
            "annan" | "annan regi" | "a" | "extern" | "extern regi" | "privat" | "entreprenad" | "köpt"
            | "köpt plats" | "lov" | "externa utförare" | "extern utförare" => Some(Regi::Annan),
            _ => None,
        }
    }
}

/// Legal sex as recorded in the case system.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Kon {
    Kvinna,
    Man,
}

impl Kon {
    pub fn name(self) -> &'static str {
        match self {
            Kon::Kvinna => "Kvinnor",
            Kon::Man => "Män",
        }
    }

    /// Kolada's gender code.
    pub fn kolada(self) -> &'static str {
        match self {
            Kon::Kvinna => "K",
            Kon::Man => "M",
        }
    }

    pub fn recognise(text: &str) -> Option<Kon> {
        match text {
            "K" => return Some(Kon::Kvinna),
            "M" => return Some(Kon::Man),
            _ => {}
        }
        match normalised(text).as_ref() {
            "k" | "kvinna" | "kvinnor" | "f" | "female" | "2" => Some(Kon::Kvinna),
            "m" | "man" | "män" | "male" | "1" => Some(Kon::Man),
            _ => None,
        }
    }
}

/// Housing type of the client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Boendeform {
    Ordinart,
    Sarskilt,
    LssBostad,
}

impl Boendeform {
    pub const ALL: [Boendeform; 3] = [Boendeform::Ordinart, Boendeform::Sarskilt, Boendeform::LssBostad];

    pub fn name(self) -> &'static str {
        match self {
            Boendeform::Ordinart => "Ordinärt boende",
            Boendeform::Sarskilt => "Särskilt boende",
            Boendeform::LssBostad => "Bostad enligt LSS",
        }
    }

    pub fn recognise(text: &str) -> Option<Boendeform> {
        match normalised(text).as_ref() {
            "ordinärt" | "ordinärt boende" | "ordinart" | "ordinart boende" | "ob" | "eget boende" => {
                Some(Boendeform::Ordinart)
            }
            "särskilt"
            | "särskilt boende"
            | "sarskilt"
            | "sarskilt boende"
            | "säbo"
            | "sabo"
            | "sb"
            | "vård- och omsorgsboende" => Some(Boendeform::Sarskilt),
            "lss"
            | "lss-bostad"
            | "lss bostad"
            | "bostad lss"
            | "bostad enligt lss"
            | "bostad med särskild service"
            | "gruppbostad"
            | "servicebostad" => Some(Boendeform::LssBostad),
            _ => None,
        }
    }

    /// The boendeform implied by an insats when the file gives none.
    pub fn implied_by(insats: Insats) -> Option<Boendeform> {
        match insats {
            Insats::SarskiltBoende | Insats::HslSarskiltBoende | Insats::BoendePsykiskFunk => {
                Some(Boendeform::Sarskilt)
            }
            Insats::Gruppbostad | Insats::Servicebostad | Insats::BostadBarn => Some(Boendeform::LssBostad),
            _ => None,
        }
    }
}

/// Whether a volume is what was granted (beviljad) or what was performed (utförd).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum VolumeKind {
    Beviljad,
    Utford,
}

impl VolumeKind {
    pub fn name(self) -> &'static str {
        match self {
            VolumeKind::Beviljad => "beviljad",
            VolumeKind::Utford => "utförd",
        }
    }

    pub fn recognise(text: &str) -> Option<VolumeKind> {
        match normalised(text).as_ref() {
            "beviljad" | "beviljat" | "beviljade" | "b" | "beslut" | "beslutad" => Some(VolumeKind::Beviljad),
            "utförd" | "utfört" | "utförda" | "utford" | "u" | "verkställd" | "faktisk" => Some(VolumeKind::Utford),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_inside_sentences() {
        assert_eq!(lower_first("Personlig assistans LSS"), "personlig assistans LSS");
        assert_eq!(lower_first("LSS"), "LSS");
        assert_eq!(lower_first("Ålder"), "ålder");
    }

    #[test]
    fn recognises_local_names() {
        assert_eq!(Insats::recognise("  Vård- och  omsorgsboende "), Some(Insats::SarskiltBoende));
        assert_eq!(Insats::recognise("hemtjänst x"), None);
        assert_eq!(Insats::recognise("grupp"), Some(Insats::Gruppbostad));
        assert_eq!(Insats::recognise("HSV"), Some(Insats::Hemsjukvard));
        assert_eq!(Regi::recognise("Extern"), Some(Regi::Annan));
        assert_eq!(Kon::recognise("K"), Some(Kon::Kvinna));
    }
}
