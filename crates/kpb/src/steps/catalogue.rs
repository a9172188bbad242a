//! Step 1 of the method (KPB.md §1, §2): *identifiera insatser*. The catalogue of insatser, each
//! with a stable code (used in files, mappings and exports), a Swedish name, its law, its volume
//! unit and the ytterfall scope its costs count in; and the local names it is
//! recognised by without a mapping.

use crate::model::normalise;
use serde::{Deserialize, Serialize};

/// The unit an insats is measured in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum VolumeUnit {
    Timme,
    Dygn,
    Dag,
    Manad,
    Portion,
}

impl VolumeUnit {
    /// Singular Swedish noun, as in "kr per timme".
    pub fn singular(self) -> &'static str {
        match self {
            VolumeUnit::Timme => "timme",
            VolumeUnit::Dygn => "dygn",
            VolumeUnit::Dag => "dag",
            VolumeUnit::Manad => "månad",
            VolumeUnit::Portion => "portion",
        }
    }

    /// Plural Swedish noun, as in "3 665 timmar".
    pub fn plural(self) -> &'static str {
        match self {
            VolumeUnit::Timme => "timmar",
            VolumeUnit::Dygn => "dygn",
            VolumeUnit::Dag => "dagar",
            VolumeUnit::Manad => "månader",
            VolumeUnit::Portion => "portioner",
        }
    }
}

/// The ytterfall scope a row's cost counts in (KPB.md §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Scope {
    /// Ordinärt boende, SoL/HSL.
    Ordinart,
    /// Särskilt boende, SoL/HSL.
    Sarskilt,
    /// Insatser inom LSS.
    Lss,
    /// Personlig assistans enligt SFB: in no ytterfall scope (U28029 counts LSS insatser only).
    Sfb,
}

impl Scope {
    pub fn name(self) -> &'static str {
        match self {
            Scope::Ordinart => "Ordinärt boende",
            Scope::Sarskilt => "Särskilt boende",
            Scope::Lss => "LSS",
            Scope::Sfb => "Personlig assistans SFB",
        }
    }
}

/// One insats of the catalogue (KPB.md §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Insats {
    Hemtjanst,
    Hemsjukvard,
    Trygghetslarm,
    Matdistribution,
    Dagverksamhet,
    Korttidsboende,
    SarskiltBoende,
    HslSarskiltBoende,
    Boendestod,
    BoendePsykiskFunk,
    PersonligAssistansSfb,
    PersonligAssistansLss,
    Gruppbostad,
    Servicebostad,
    BostadBarn,
    DagligVerksamhet,
    Korttidsvistelse,
    Korttidstillsyn,
    Ledsagarservice,
    Kontaktperson,
    Avlosarservice,
}

/// Static facts about an insats.
pub struct InsatsInfo {
    pub insats: Insats,
    /// Stable code used in files and exports.
    pub code: &'static str,
    pub name: &'static str,
    pub law: &'static str,
    pub unit: VolumeUnit,
    pub scope: Scope,
    /// Local names and abbreviations recognised without a mapping (compared case-insensitively,
    /// after trimming and collapsing spaces).
    pub synonyms: &'static [&'static str],
}

static CATALOGUE: [InsatsInfo; 21] = [
    InsatsInfo {
        insats: Insats::Hemtjanst,
        code: "HEMTJ",
        name: "Hemtjänst",
        law: "SoL",
        unit: VolumeUnit::Timme,
        scope: Scope::Ordinart,
        synonyms: &[
            "hemtjänst",
            "hemtjänst sol",
            "hemtjanst",
            "htj",
            "ht",
            "hemtjänst service",
            "hemtjänst omvårdnad",
            "service och omvårdnad",
            "hemtjänst service och omvårdnad",
        ],
    },
    InsatsInfo {
        insats: Insats::Hemsjukvard,
        code: "HSV",
        name: "Hemsjukvård / delegerad HSL",
        law: "HSL",
        unit: VolumeUnit::Timme,
        scope: Scope::Ordinart,
        synonyms: &[
            "hemsjukvård",
            "hemsjukvard",
            "delegerad hsl",
            "delegerad hälso- och sjukvård",
            "hsl ordinärt boende",
        ],
    },
    InsatsInfo {
        insats: Insats::Trygghetslarm,
        code: "LARM",
        name: "Trygghetslarm",
        law: "SoL",
        unit: VolumeUnit::Manad,
        scope: Scope::Ordinart,
        synonyms: &["trygghetslarm", "trygghetslarm sol"],
    },
    InsatsInfo {
        insats: Insats::Matdistribution,
        code: "MAT",
        name: "Matdistribution",
        law: "SoL",
        unit: VolumeUnit::Portion,
        scope: Scope::Ordinart,
        synonyms: &["matdistribution", "matlåda", "matlådor"],
    },
    InsatsInfo {
        insats: Insats::Dagverksamhet,
        code: "DAGV",
        name: "Dagverksamhet",
        law: "SoL",
        unit: VolumeUnit::Dag,
        scope: Scope::Ordinart,
        synonyms: &["dagverksamhet", "dagverksamhet sol", "dagverksamhet äldre"],
    },
    InsatsInfo {
        insats: Insats::Korttidsboende,
        code: "KORTBO",
        name: "Korttidsboende",
        law: "SoL",
        unit: VolumeUnit::Dygn,
        scope: Scope::Ordinart,
        synonyms: &["korttidsboende", "korttidsvård", "korttid", "korttidsplats"],
    },
    InsatsInfo {
        insats: Insats::SarskiltBoende,
        code: "SABO",
        name: "Särskilt boende",
        law: "SoL",
        unit: VolumeUnit::Dygn,
        scope: Scope::Sarskilt,
        synonyms: &[
            "särskilt boende",
            "sarskilt boende",
            "säbo",
            "vård- och omsorgsboende",
            "vård och omsorgsboende",
            "vob",
            "demensboende",
            "särskilt boende demens",
            "särskilt boende somatik",
        ],
    },
    InsatsInfo {
        insats: Insats::HslSarskiltBoende,
        code: "SABOHSL",
        name: "HSL-insatser i särskilt boende",
        law: "HSL",
        unit: VolumeUnit::Dygn,
        scope: Scope::Sarskilt,
        synonyms: &["hsl särskilt boende", "hsl i särskilt boende", "hsl säbo"],
    },
    InsatsInfo {
        insats: Insats::Boendestod,
        code: "BOSTOD",
        name: "Boendestöd",
        law: "SoL",
        unit: VolumeUnit::Timme,
        scope: Scope::Ordinart,
        synonyms: &["boendestöd", "boendestod", "boendestöd sol"],
    },
    InsatsInfo {
        insats: Insats::BoendePsykiskFunk,
        code: "PSYKBO",
        name: "Boende psykisk funktionsnedsättning",
        law: "SoL",
        unit: VolumeUnit::Dygn,
        scope: Scope::Sarskilt,
        synonyms: &[
            "boende psykisk funktionsnedsättning",
            "boende för personer med psykisk funktionsnedsättning",
            "särskilt boende psykiatri",
            "psykiatriboende",
        ],
    },
    InsatsInfo {
        insats: Insats::PersonligAssistansSfb,
        code: "PASFB",
        name: "Personlig assistans SFB",
        law: "SFB",
        unit: VolumeUnit::Timme,
        scope: Scope::Sfb,
        synonyms: &[
            "personlig assistans sfb",
            "personlig assistans enligt sfb",
            "assistansersättning",
            "pa sfb",
            "ass sfb",
            "personlig assistans lass",
        ],
    },
    InsatsInfo {
        insats: Insats::PersonligAssistansLss,
        code: "PALSS",
        name: "Personlig assistans LSS",
        law: "LSS",
        unit: VolumeUnit::Timme,
        scope: Scope::Lss,
        synonyms: &["personlig assistans lss", "personlig assistans enligt lss", "pa lss"],
    },
    InsatsInfo {
        insats: Insats::Gruppbostad,
        code: "GRUPP",
        name: "Gruppbostad LSS, vuxna",
        law: "LSS",
        unit: VolumeUnit::Dygn,
        scope: Scope::Lss,
        synonyms: &[
            "gruppbostad",
            "gruppbostad lss",
            "gruppboende",
            "gruppboende lss",
            "bostad med särskild service gruppbostad",
        ],
    },
    InsatsInfo {
        insats: Insats::Servicebostad,
        code: "SERVBO",
        name: "Servicebostad LSS",
        law: "LSS",
        unit: VolumeUnit::Dygn,
        scope: Scope::Lss,
        synonyms: &["servicebostad", "servicebostad lss", "servicebostäder"],
    },
    InsatsInfo {
        insats: Insats::BostadBarn,
        code: "BOBARN",
        name: "Bostad med särskild service, barn och ungdomar",
        law: "LSS",
        unit: VolumeUnit::Dygn,
        scope: Scope::Lss,
        synonyms: &["bostad med särskild service för barn", "bostad barn och ungdom", "boende barn lss", "elevhem"],
    },
    InsatsInfo {
        insats: Insats::DagligVerksamhet,
        code: "DV",
        name: "Daglig verksamhet LSS",
        law: "LSS",
        unit: VolumeUnit::Dag,
        scope: Scope::Lss,
        synonyms: &["daglig verksamhet", "daglig verksamhet lss", "dv lss"],
    },
    InsatsInfo {
        insats: Insats::Korttidsvistelse,
        code: "KORTV",
        name: "Korttidsvistelse LSS",
        law: "LSS",
        unit: VolumeUnit::Dygn,
        scope: Scope::Lss,
        synonyms: &["korttidsvistelse", "korttidsvistelse lss", "korttidshem"],
    },
    InsatsInfo {
        insats: Insats::Korttidstillsyn,
        code: "KORTTS",
        name: "Korttidstillsyn LSS",
        law: "LSS",
        unit: VolumeUnit::Timme,
        scope: Scope::Lss,
        synonyms: &["korttidstillsyn", "korttidstillsyn lss", "fritids lss"],
    },
    InsatsInfo {
        insats: Insats::Ledsagarservice,
        code: "LEDS",
        name: "Ledsagarservice LSS",
        law: "LSS",
        unit: VolumeUnit::Timme,
        scope: Scope::Lss,
        synonyms: &["ledsagarservice", "ledsagning", "ledsagarservice lss"],
    },
    InsatsInfo {
        insats: Insats::Kontaktperson,
        code: "KONTP",
        name: "Kontaktperson LSS",
        law: "LSS",
        unit: VolumeUnit::Manad,
        scope: Scope::Lss,
        synonyms: &["kontaktperson", "kontaktperson lss"],
    },
    InsatsInfo {
        insats: Insats::Avlosarservice,
        code: "AVLOS",
        name: "Avlösarservice LSS",
        law: "LSS",
        unit: VolumeUnit::Timme,
        scope: Scope::Lss,
        synonyms: &["avlösarservice", "avlösning", "avlösarservice lss"],
    },
];

impl Insats {
    /// The insatser enligt LSS (the ytterfall scope LSS), in catalogue order.
    pub const LSS: &'static [Insats] = &[
        Insats::PersonligAssistansLss,
        Insats::Gruppbostad,
        Insats::Servicebostad,
        Insats::BostadBarn,
        Insats::DagligVerksamhet,
        Insats::Korttidsvistelse,
        Insats::Korttidstillsyn,
        Insats::Ledsagarservice,
        Insats::Kontaktperson,
        Insats::Avlosarservice,
    ];

    /// Every insats, in catalogue order.
    pub fn all() -> impl Iterator<Item = Insats> {
        CATALOGUE.iter().map(|i| i.insats)
    }

    /// The insats alone, as a list (for a figure counted on it alone).
    pub fn alone(self) -> &'static [Insats] {
        std::slice::from_ref(&CATALOGUE[self as usize].insats)
    }

    pub fn info(self) -> &'static InsatsInfo {
        &CATALOGUE[self as usize]
    }

    pub fn code(self) -> &'static str {
        self.info().code
    }

    pub fn name(self) -> &'static str {
        self.info().name
    }

    pub fn unit(self) -> VolumeUnit {
        self.info().unit
    }

    pub fn scope(self) -> Scope {
        self.info().scope
    }

    /// The insats as one bit of a set of insatser in a `u32`.
    pub fn bit(self) -> u32 {
        1 << self as u32
    }

    /// A set of insatser as bits ([`Insats::bit`]).
    pub fn bits(insatser: &[Insats]) -> u32 {
        insatser.iter().fold(0, |b, i| b | i.bit())
    }

    /// Finds an insats by catalogue code or a built-in local name.
    pub fn recognise(text: &str) -> Option<Insats> {
        let key = normalise(text);
        CATALOGUE
            .iter()
            .find(|i| {
                i.code.eq_ignore_ascii_case(&key) || normalise(i.name) == key || i.synonyms.iter().any(|s| *s == key)
            })
            .map(|i| i.insats)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lss_is_the_scope_lss() {
        let lss: Vec<Insats> = Insats::all().filter(|i| i.scope() == Scope::Lss).collect();
        assert_eq!(Insats::LSS, lss.as_slice());
    }

    #[test]
    fn catalogue_is_indexed_by_discriminant() {
        for (i, info) in CATALOGUE.iter().enumerate() {
            assert_eq!(info.insats as usize, i, "{}", info.code);
        }
    }

    #[test]
    fn codes_and_synonyms_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for info in &CATALOGUE {
            assert!(seen.insert(info.code.to_lowercase()), "{}", info.code);
            for s in info.synonyms {
                assert_eq!(*s, normalise(s), "synonym {s} must be normalised");
                assert!(seen.insert(s.to_string()), "synonym {s} twice");
            }
        }
    }
}
