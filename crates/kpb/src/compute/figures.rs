//! The nyckeltal of KPB.md §3 (and the related Kolada KPB figures) that the data allows, each with
//! its Kolada id, definition and what it includes; for the rest, what is missing.
//!
//! Every ratio over a group is Σ numerator / Σ denominator.

use crate::date::days_in_year;
use crate::import::Dataset;
use crate::model::lower_first;
use crate::model::{Insats, Regi, Scope, VolumeKind};
use crate::report::{ClientCost, ClientLine, EnhetValue, InsatsSummary, Nyckeltal, UnitCost, Ytterfall};
use crate::settings::Settings;
use crate::steps::unit_costs::UnitCosts;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};

use Insats::*;

struct Figure {
    id: &'static str,
    name: &'static str,
    unit: &'static str,
    definition: &'static str,
    includes: &'static str,
    excludes: &'static str,
}

const fn fig(
    id: &'static str,
    name: &'static str,
    unit: &'static str,
    definition: &'static str,
    includes: &'static str,
    excludes: &'static str,
) -> Figure {
    Figure { id, name, unit, definition, includes, excludes }
}

/// A cost per volume unit in egen regi: Σ cost of `num` / Σ volume of `den`.
struct UnitSpec<'a> {
    figure: Figure,
    num: &'a [Insats],
    den: Insats,
    /// Clients this old or older only.
    min_age: Option<u32>,
    /// Deduct assistansersättning.
    net: bool,
    /// Include annan regi (what was paid).
    all_regi: bool,
    /// Must be granted volume.
    granted: bool,
}

const UNIT_FIGURES: &[UnitSpec<'static>] = &[
    UnitSpec {
        figure: fig(
            "U21003",
            "Kostnad hemtjänst, egen regi, kr/beviljad timme",
            "kr/timme",
            "Kostnad för hemtjänst i egen regi delad med beviljade timmar.",
            "Hemtjänst (service och omvårdnad) i egen regi, alla åldrar, med fördelade gemensamma kostnader.",
            "Delegerad hälso- och sjukvård, boendestöd, annan regi.",
        ),
        num: &[Hemtjanst],
        den: Hemtjanst,
        min_age: None,
        net: false,
        all_regi: false,
        granted: true,
    },
    UnitSpec {
        figure: fig(
            "U21005",
            "Kostnad korttidsboende, egen regi, kr/dygn",
            "kr/dygn",
            "Kostnad för korttidsboende i egen regi delad med antal dygn.",
            "Korttidsboende/korttidsvård i egen regi.",
            "Korttidsvistelse LSS, annan regi.",
        ),
        num: &[Korttidsboende],
        den: Korttidsboende,
        min_age: None,
        net: false,
        all_regi: false,
        granted: false,
    },
    UnitSpec {
        figure: fig(
            "U23004",
            "Kostnad särskilt boende, egen regi, kr/dygn",
            "kr/dygn",
            "Kostnad för särskilt boende (SoL och HSL) i egen regi delad med antal dygn i särskilt boende.",
            "Särskilt boende i egen regi, även HSL-insatser i särskilt boende, alla åldrar.",
            "Boende för personer med psykisk funktionsnedsättning, servicehus (boende utan heldygnsomsorg), annan regi.",
        ),
        num: &[SarskiltBoende, HslSarskiltBoende],
        den: SarskiltBoende,
        min_age: None,
        net: false,
        all_regi: false,
        granted: false,
    },
    UnitSpec {
        figure: fig(
            "U23008",
            "Kostnad för HSL-insatser i särskilt boende, egen regi, kr/dygn",
            "kr/dygn",
            "Kostnad för HSL-insatser i särskilt boende i egen regi delad med antal dygn.",
            "HSL-insatser i särskilt boende, egen regi.",
            "Annan regi.",
        ),
        num: &[HslSarskiltBoende],
        den: HslSarskiltBoende,
        min_age: None,
        net: false,
        all_regi: false,
        granted: false,
    },
    UnitSpec {
        figure: fig(
            "U25011",
            "Kostnad boende psykiskt funktionsnedsättning, egen regi, kr/dygn",
            "kr/dygn",
            "Kostnad för boende för personer med psykisk funktionsnedsättning i egen regi delad med antal dygn.",
            "Boende enligt SoL för personer med psykisk funktionsnedsättning, egen regi.",
            "Annan regi.",
        ),
        num: &[BoendePsykiskFunk],
        den: BoendePsykiskFunk,
        min_age: None,
        net: false,
        all_regi: false,
        granted: false,
    },
    UnitSpec {
        figure: fig(
            "U25005",
            "Nettotimkostnad personlig assistans SFB, egen regi, kr/timme",
            "kr/timme",
            "(Kostnad för personlig assistans SFB − assistansersättning från Försäkringskassan) delad med timmar, egen regi.",
            "Egen regi, alla brukare, även kommunens kostnad för de första 20 timmarna per vecka.",
            "Personlig assistans enligt LSS, annan regi.",
        ),
        num: &[PersonligAssistansSfb],
        den: PersonligAssistansSfb,
        min_age: None,
        net: true,
        all_regi: false,
        granted: false,
    },
    UnitSpec {
        figure: fig(
            "U25012",
            "Kostnad personlig assistans SFB brutto, egen regi, kr/timme",
            "kr/timme",
            "Kostnad för personlig assistans SFB delad med timmar, egen regi, före avdrag för assistansersättning.",
            "Egen regi, alla brukare.",
            "Personlig assistans enligt LSS, annan regi.",
        ),
        num: &[PersonligAssistansSfb],
        den: PersonligAssistansSfb,
        min_age: None,
        net: false,
        all_regi: false,
        granted: false,
    },
    UnitSpec {
        figure: fig(
            "U26012",
            "Kostnad boendestöd enligt KPB, kr/timme",
            "kr/timme",
            "Kostnad för boendestöd delad med timmar.",
            "Boendestöd enligt SoL, egen och annan regi (annan regi med vad som betalats).",
            "Hemtjänst.",
        ),
        num: &[Boendestod],
        den: Boendestod,
        min_age: None,
        net: false,
        all_regi: true,
        granted: false,
    },
    UnitSpec {
        figure: fig(
            "U28030",
            "Kostnad gruppboende LSS för vuxna, egen regi, kr/dygn",
            "kr/dygn",
            "Kostnad för gruppbostad LSS i egen regi för brukare 18 år och äldre delad med deras dygn.",
            "Gruppbostad för vuxna, egen regi, brukare 18 år och äldre (och brukare utan känd ålder).",
            "Bostad för barn, servicebostad, annat särskilt anpassat boende, annan regi.",
        ),
        num: &[Gruppbostad],
        den: Gruppbostad,
        min_age: Some(18),
        net: false,
        all_regi: false,
        granted: false,
    },
    UnitSpec {
        figure: fig(
            "U28031",
            "Kostnad daglig verksamhet LSS, egen regi, kr/dag",
            "kr/dag",
            "Kostnad för daglig verksamhet i egen regi delad med antal dagar.",
            "Daglig verksamhet LSS, egen regi.",
            "Annan regi.",
        ),
        num: &[DagligVerksamhet],
        den: DagligVerksamhet,
        min_age: None,
        net: false,
        all_regi: false,
        granted: false,
    },
    UnitSpec {
        figure: fig(
            "U28032",
            "Kostnad servicebostad LSS, egen regi, kr/dygn",
            "kr/dygn",
            "Kostnad för servicebostad i egen regi delad med antal dygn.",
            "Servicebostad LSS, egen regi.",
            "Gruppbostad, annan regi.",
        ),
        num: &[Servicebostad],
        den: Servicebostad,
        min_age: None,
        net: false,
        all_regi: false,
        granted: false,
    },
    UnitSpec {
        figure: fig(
            "U28096",
            "Kostnad korttidsvistelse enligt LSS, egen regi, kr/dygn",
            "kr/dygn",
            "Kostnad för korttidsvistelse i egen regi delad med antal dygn.",
            "Korttidsvistelse LSS, egen regi.",
            "Korttidsboende SoL, annan regi.",
        ),
        num: &[Korttidsvistelse],
        den: Korttidsvistelse,
        min_age: None,
        net: false,
        all_regi: false,
        granted: false,
    },
];

pub(super) fn nyckeltal(
    ds: &Dataset,
    settings: &Settings,
    year: i32,
    unit_costs: &UnitCosts,
    clients: &[ClientCost],
    ytterfall: &[Ytterfall],
) -> Vec<Nyckeltal> {
    let mut lines: BTreeMap<Insats, Vec<(Option<u32>, &ClientLine)>> = BTreeMap::new();
    for c in clients {
        for l in &c.lines {
            lines.entry(l.insats).or_default().push((c.age, l));
        }
    }
    let units = &unit_costs.units;
    let names = units.iter().map(|u| (u.enhet.as_str(), u.enhet_name.as_str())).collect();
    let f = Figures { ds, settings, year, units, insatser: &unit_costs.insatser, clients, ytterfall, lines, names };
    let mut out = Vec::new();
    let kolada_unit: BTreeSet<Insats> = UNIT_FIGURES.iter().flat_map(|s| s.num.iter().copied()).collect();
    for spec in UNIT_FIGURES {
        out.push(f.unit(spec));
    }
    // Own unit-cost figures for insatser without a Kolada one.
    for insats in Insats::all().filter(|i| !kolada_unit.contains(i)) {
        if units.iter().any(|u| u.insats == insats && u.regi == Regi::Egen) {
            out.push(f.own_unit(insats));
        }
    }
    out.extend(f.ytterfall());
    out.extend(f.per_client());
    out.extend(f.shares());
    out.extend(f.per_inhabitant());
    out.extend(f.places());
    out.push(f.standardkostnad());
    out
}

struct Figures<'a> {
    ds: &'a Dataset,
    settings: &'a Settings,
    year: i32,
    units: &'a [UnitCost],
    insatser: &'a [InsatsSummary],
    clients: &'a [ClientCost],
    ytterfall: &'a [Ytterfall],
    /// Every client line by insats, with the client's age: what the unit figures add up.
    lines: BTreeMap<Insats, Vec<(Option<u32>, &'a ClientLine)>>,
    /// Enhet code → name.
    names: BTreeMap<&'a str, &'a str>,
}

fn empty(figure: &Figure) -> Nyckeltal {
    Nyckeltal {
        id: figure.id.to_owned(),
        name: figure.name.to_owned(),
        unit: figure.unit.to_owned(),
        value: None,
        missing: None,
        definition: figure.definition.to_owned(),
        includes: figure.includes.to_owned(),
        excludes: figure.excludes.to_owned(),
        numerator: Decimal::ZERO,
        numerator_label: String::new(),
        denominator: Decimal::ZERO,
        denominator_label: String::new(),
        by_enhet: Vec::new(),
        insatser: Vec::new(),
        clients: None,
        basis: Default::default(),
        kpb: None,
        notes: Vec::new(),
    }
}

fn ratio(n: &mut Nyckeltal, num: Decimal, den: Decimal, scale: Decimal, missing: impl FnOnce() -> String) {
    n.numerator = num;
    n.denominator = den;
    if den.is_zero() {
        n.missing = Some(missing());
    } else {
        n.value = Some(num * scale / den);
    }
}

fn volume_label(insats: Insats, basis: VolumeKind) -> String {
    let unit = insats.unit().plural();
    match insats.unit() {
        crate::model::VolumeUnit::Timme => format!(
            "{} {unit}, {}",
            basis.name().replace("utförd", "utförda").replace("beviljad", "beviljade"),
            lower_first(insats.name())
        ),
        _ => format!("{unit}, {}", lower_first(insats.name())),
    }
}

impl Figures<'_> {
    fn name(&self, code: &str) -> String {
        self.names.get(code).map_or(code, |n| n).to_owned()
    }

    fn basis(&self, insats: Insats) -> VolumeKind {
        self.insatser.iter().find(|s| s.insats == insats).map_or(VolumeKind::Utford, |s| s.basis)
    }

    fn unit(&self, spec: &UnitSpec) -> Nyckeltal {
        let mut n = empty(&spec.figure);
        n.insatser = spec.num.iter().copied().chain([spec.den]).collect();
        n.insatser.dedup();
        let basis = self.basis(spec.den);
        n.numerator_label = format!(
            "Kostnad{} ({}), kr",
            if spec.net { " efter assistansersättning" } else { "" },
            spec.num.iter().map(|i| lower_first(i.name())).collect::<Vec<_>>().join(" och ")
        );
        n.denominator_label = volume_label(spec.den, basis);
        let has_any = self.units.iter().any(|u| u.insats == spec.den);
        if spec.granted && basis != VolumeKind::Beviljad && has_any {
            n.missing = Some(format!(
                "Saknas underlag: brukarstatistiken har ingen beviljad tid för {} (bara utförd).",
                lower_first(spec.den.name())
            ));
            return n;
        }
        let regi_ok = |r: Regi| spec.all_regi || r == Regi::Egen;
        // Per enhet, from the clients' lines (so that an age limit can apply).
        let mut per_enhet: BTreeMap<&str, (Decimal, Decimal)> = BTreeMap::new();
        let mut insatser: Vec<Insats> = spec.num.to_vec();
        if !insatser.contains(&spec.den) {
            insatser.push(spec.den);
        }
        for insats in insatser {
            let lines = self.lines.get(&insats).map_or(&[][..], Vec::as_slice);
            for (age, l) in lines {
                if !regi_ok(l.regi) || spec.min_age.is_some_and(|min| age.is_some_and(|a| a < min)) {
                    continue;
                }
                let e = per_enhet.entry(l.enhet.as_str()).or_default();
                if spec.num.contains(&insats) {
                    e.0 += l.cost + if spec.net { l.assistansersattning } else { Decimal::ZERO };
                }
                if insats == spec.den {
                    e.1 += l.volume;
                }
            }
        }
        per_enhet.retain(|_, (num, den)| !num.is_zero() || !den.is_zero());
        n.by_enhet = per_enhet
            .iter()
            .map(|(e, (num, den))| {
                let error = crate::steps::data_error(*num, *den);
                EnhetValue {
                    enhet: (*e).to_owned(),
                    enhet_name: self.name(e),
                    value: error.is_none().then(|| *num / *den),
                    numerator: *num,
                    denominator: *den,
                    error,
                }
            })
            .collect();
        // An enhet with a data error is left out of the municipality's ratio.
        let ok = per_enhet.values().filter(|(num, den)| crate::steps::data_error(*num, *den).is_none());
        let (num, den) = ok.fold((Decimal::ZERO, Decimal::ZERO), |(n, d), v| (n + v.0, d + v.1));
        ratio(&mut n, num, den, Decimal::ONE, || {
            if has_any {
                format!(
                    "Saknas underlag: ingen volym för {} i {}.",
                    lower_first(spec.den.name()),
                    if spec.all_regi { "brukarstatistiken" } else { "egen regi" }
                )
            } else {
                format!("Saknas underlag: inga uppgifter om {}.", lower_first(spec.den.name()))
            }
        });
        n
    }

    fn own_unit(&self, insats: Insats) -> Nyckeltal {
        let unit = insats.unit().singular();
        let name = format!("Kostnad {}, egen regi, kr/{unit}", lower_first(insats.name()));
        let definition = format!(
            "Kostnad för {} i egen regi delad med antal {}.",
            lower_first(insats.name()),
            insats.unit().plural()
        );
        let num = [insats];
        let spec = UnitSpec {
            figure: Figure { id: "", name: "", unit: "", definition: "", includes: "", excludes: "Annan regi." },
            num: &num,
            den: insats,
            min_age: None,
            net: false,
            all_regi: false,
            granted: false,
        };
        let mut n = self.unit(&spec);
        n.id = format!("KPB-{}", insats.code());
        n.name = name;
        n.unit = format!("kr/{unit}");
        n.definition = definition;
        n.includes =
            format!("{}, egen regi. Eget nyckeltal: Kolada har inget KPB-nyckeltal för insatsen.", insats.name());
        n
    }

    fn ytterfall(&self) -> Vec<Nyckeltal> {
        self.ytterfall
            .iter()
            .map(|y| {
                let (id, name, definition) = match y.scope {
                    Scope::Ordinart => ("U21002", "Ytterfall ordinärt boende, andel brukare (%)", "Andel brukare i ordinärt boende med insatser enligt SoL/HSL vars kostnad för året överstiger gränsen."),
                    Scope::Sarskilt => ("KPB-YTTERFALL-SABO", "Ytterfall särskilt boende, andel brukare (%)", "Andel brukare i särskilt boende (SoL/HSL) vars kostnad för året överstiger gränsen."),
                    _ => ("U28029", "Ytterfall insatser inom LSS, andel brukare (%)", "Andel brukare med insatser enligt LSS vars kostnad för året överstiger gränsen."),
                };
                let mut n = empty(&fig(id, name, "%", definition, "", "Personlig assistans SFB."));
                n.id = id.to_owned();
                n.includes = format!(
                    "Egen och annan regi. Gräns: mer än {} kr per brukare och år (strikt större än). En brukares kostnad i området är summan av brukarens kostnader för insatser i området; en brukare som flyttat kan räknas i två områden.",
                    crate::format::kr(y.threshold)
                );
                n.numerator_label = "Brukare över gränsen".into();
                n.denominator_label = format!("Brukare med kostnad i {}", lower_first(y.scope.name()));
                ratio(&mut n, Decimal::from(y.count), Decimal::from(y.clients), Decimal::ONE_HUNDRED, || {
                    format!("Saknas underlag: inga brukare med kostnad i {}.", lower_first(y.scope.name()))
                });
                n
            })
            .collect()
    }

    fn per_client(&self) -> Vec<Nyckeltal> {
        let specs: [(&str, &str, &[Insats], &str); 6] = [
            (
                "U28033",
                "Kostnad insatser inom LSS, kr/brukare",
                &[
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
                ],
                "Alla insatser enligt LSS, egen och annan regi.",
            ),
            (
                "U28012",
                "Kostnad bostad med särskild service LSS för barn, ungdomar eller vuxna, kr/brukare",
                &[Gruppbostad, Servicebostad, BostadBarn],
                "Gruppbostad, servicebostad och bostad för barn och ungdomar, egen och annan regi.",
            ),
            (
                "U28014",
                "Kostnad daglig verksamhet LSS, egen och annan regi, kr/brukare",
                &[DagligVerksamhet],
                "Daglig verksamhet, egen och annan regi.",
            ),
            (
                "U28060",
                "Kostnad personlig assistans LSS, kr/brukare",
                &[PersonligAssistansLss],
                "Personlig assistans enligt LSS, egen och annan regi.",
            ),
            ("U25009", "Kostnad boendestöd, kr/brukare", &[Boendestod], "Boendestöd, egen och annan regi."),
            (
                "KPB-BRUKARE",
                "Kostnad per brukare och år, alla insatser",
                &[],
                "Alla insatser och brukare i underlaget, egen och annan regi. Eget nyckeltal.",
            ),
        ];
        specs
            .into_iter()
            .map(|(id, name, insatser, includes)| {
                let mut n = empty(&fig(id, name, "kr/brukare", "", includes, ""));
                n.id = id.to_owned();
                n.definition = "Summa kostnad delad med antal brukare med kostnad.".into();
                n.includes = includes.to_owned();
                n.numerator_label = "Kostnad, kr".into();
                n.denominator_label = "Brukare".into();
                n.insatser = insatser.to_vec();
                let mut cost = Decimal::ZERO;
                let mut clients = 0u32;
                for c in self.clients {
                    let sum: Decimal = c
                        .lines
                        .iter()
                        .filter(|l| insatser.is_empty() || insatser.contains(&l.insats))
                        .map(|l| l.cost)
                        .sum();
                    if !sum.is_zero() {
                        cost += sum;
                        clients += 1;
                    }
                }
                ratio(&mut n, cost, Decimal::from(clients), Decimal::ONE, || {
                    "Saknas underlag: inga brukare med insatsen.".into()
                });
                n
            })
            .collect()
    }

    fn shares(&self) -> Vec<Nyckeltal> {
        let mut out = Vec::new();
        // Annan regi's share of volume.
        for (id, name, insats) in [
            ("U21015", "Hemtjänst i extern regi, andel (%)", Hemtjanst),
            ("U21016", "Korttidsvården i extern regi, andel (%)", Korttidsboende),
        ] {
            let mut n = empty(&fig(id, name, "%", "", "", ""));
            n.definition = format!("Volym i annan regi delad med all volym, {}.", lower_first(insats.name()));
            n.insatser = vec![insats];
            n.numerator_label = format!("{}, annan regi", volume_label(insats, self.basis(insats)));
            n.denominator_label = format!("{}, all regi", volume_label(insats, self.basis(insats)));
            let (mut annan, mut all) = (Decimal::ZERO, Decimal::ZERO);
            for u in self.units.iter().filter(|u| u.insats == insats) {
                all += u.volume;
                if u.regi == Regi::Annan {
                    annan += u.volume;
                }
            }
            ratio(&mut n, annan, all, Decimal::ONE_HUNDRED, || {
                format!("Saknas underlag: ingen volym för {}.", lower_first(insats.name()))
            });
            out.push(n);
        }
        // Average length of korttidsvård.
        {
            let mut n = empty(&fig(
                "U21017",
                "Korttidsvård genomsnittligt, antal dygn",
                "dygn",
                "Dygn i korttidsboende delat med antal brukare med korttidsboende.",
                "Egen och annan regi.",
                "",
            ));
            n.numerator_label = "Dygn i korttidsboende".into();
            n.insatser = vec![Korttidsboende];
            n.denominator_label = "Brukare".into();
            let (mut dygn, mut clients) = (Decimal::ZERO, 0u32);
            for c in self.clients {
                let v: Decimal = c.lines.iter().filter(|l| l.insats == Korttidsboende).map(|l| l.volume).sum();
                if !v.is_zero() {
                    dygn += v;
                    clients += 1;
                }
            }
            ratio(&mut n, dygn, Decimal::from(clients), Decimal::ONE, || {
                "Saknas underlag: inga brukare i korttidsboende.".into()
            });
            out.push(n);
        }
        // Shares of the total cost within LSS and SFB.
        let lss_sfb: Decimal = self
            .clients
            .iter()
            .flat_map(|c| &c.lines)
            .filter(|l| matches!(l.insats.scope(), Scope::Lss | Scope::Sfb))
            .map(|l| l.cost)
            .sum();
        for (id, name, insatser) in [
            (
                "U25010",
                "Kostnad personlig assistans SFB, andel av total kostnad inom LSS och SFB, (%)",
                &[PersonligAssistansSfb][..],
            ),
            (
                "U28055",
                "Kostnad personlig assistans LSS, andel av total kostnad inom LSS och SFB, (%)",
                &[PersonligAssistansLss][..],
            ),
            ("U28056", "Kostnad gruppbostad LSS, andel av total kostnad inom LSS och SFB, (%)", &[Gruppbostad][..]),
            ("U28057", "Kostnad servicebostad LSS, andel av total kostnad inom LSS och SFB, (%)", &[Servicebostad][..]),
            (
                "U28058",
                "Kostnad daglig verksamhet LSS, andel av total kostnad inom LSS och SFB, (%)",
                &[DagligVerksamhet][..],
            ),
            (
                "U25013",
                "Kostnad övriga insatser LSS, andel av total kostnad inom LSS och SFB, (%)",
                &[BostadBarn, Korttidsvistelse, Korttidstillsyn, Ledsagarservice, Kontaktperson, Avlosarservice][..],
            ),
        ] {
            let mut n = empty(&fig(id, name, "%", "", "Egen och annan regi, kostnad före assistansersättning.", ""));
            n.definition =
                "Kostnad för insatsen delad med all kostnad för insatser enligt LSS och personlig assistans SFB."
                    .into();
            n.numerator_label = "Kostnad för insatsen, kr".into();
            n.insatser = insatser.to_vec();
            n.denominator_label = "Kostnad LSS och SFB, kr".into();
            let part: Decimal = self
                .clients
                .iter()
                .flat_map(|c| &c.lines)
                .filter(|l| insatser.contains(&l.insats))
                .map(|l| l.cost)
                .sum();
            ratio(&mut n, part, lss_sfb, Decimal::ONE_HUNDRED, || {
                "Saknas underlag: inga kostnader inom LSS och SFB.".into()
            });
            out.push(n);
        }
        // Dygn in gruppbostad for clients 65+.
        {
            let mut n = empty(&fig(
                "U28019",
                "Andel dygn i gruppboende enligt LSS för personer 65 år och äldre, (%)",
                "%",
                "Dygn i gruppbostad för brukare 65 år och äldre delat med alla dygn i gruppbostad.",
                "Egen och annan regi.",
                "",
            ));
            n.numerator_label = "Dygn, brukare 65 år och äldre".into();
            n.insatser = vec![Gruppbostad];
            n.denominator_label = "Dygn i gruppbostad".into();
            let (mut old, mut all) = (Decimal::ZERO, Decimal::ZERO);
            for c in self.clients {
                let v: Decimal = c.lines.iter().filter(|l| l.insats == Gruppbostad).map(|l| l.volume).sum();
                all += v;
                if c.age.is_some_and(|a| a >= 65) {
                    old += v;
                }
            }
            ratio(&mut n, old, all, Decimal::ONE_HUNDRED, || "Saknas underlag: inga dygn i gruppbostad.".into());
            out.push(n);
        }
        out
    }

    fn population(&self, min_age: u32) -> Option<Decimal> {
        let rows: Vec<_> = self.ds.population.iter().filter(|r| r.from >= min_age).collect();
        (!rows.is_empty()).then(|| rows.iter().map(|r| r.antal).sum())
    }

    fn per_inhabitant(&self) -> Vec<Nyckeltal> {
        [
            (
                "U21014",
                "Hemtjänsttimmar, antal timmar/inv 80+",
                "timmar/inv",
                Hemtjanst,
                "Beviljade hemtjänsttimmar (egen och annan regi) delat med antal invånare 80 år och äldre.",
            ),
            (
                "U23005",
                "Dygn inom särskilt boende, antal dygn/inv 80+",
                "dygn/inv",
                SarskiltBoende,
                "Dygn i särskilt boende (egen och annan regi) delat med antal invånare 80 år och äldre.",
            ),
        ]
        .into_iter()
        .map(|(id, name, unit, insats, definition)| {
            let mut n = empty(&fig(
                id,
                name,
                unit,
                definition,
                "Alla åldrar bland brukarna; invånare 80 år och äldre i nämnaren.",
                "",
            ));
            n.numerator_label = volume_label(insats, self.basis(insats));
            n.insatser = vec![insats];
            n.denominator_label = "Invånare 80 år och äldre".into();
            let volume: Decimal = self.units.iter().filter(|u| u.insats == insats).map(|u| u.volume).sum();
            match self.population(80) {
                Some(pop) => {
                    ratio(&mut n, volume, pop, Decimal::ONE, || "Saknas underlag: befolkningen 80+ är noll.".into())
                }
                None => {
                    n.numerator = volume;
                    n.missing = Some("Saknas underlag: läs in en fil med befolkning per ålder (Ålder, Antal).".into());
                }
            }
            n
        })
        .collect()
    }

    fn places(&self) -> Vec<Nyckeltal> {
        let mut places: BTreeMap<String, Decimal> = BTreeMap::new();
        for p in &self.ds.places {
            let code = self.ds.org.enhet(&p.enhet).map_or_else(|| p.enhet.clone(), |e| e.code.clone());
            *places.entry(code).or_default() += p.platser;
        }
        let sabo: Vec<&UnitCost> = self
            .units
            .iter()
            .filter(|u| u.regi == Regi::Egen && matches!(u.insats, SarskiltBoende | HslSarskiltBoende))
            .collect();
        let with_places = |u: &&&UnitCost| places.contains_key(&u.enhet);
        let cost: Decimal = sabo
            .iter()
            .filter(with_places)
            .filter(|u| !u.volume.is_zero() || u.insats == HslSarskiltBoende)
            .map(|u| u.total)
            .sum();
        let dygn: Decimal =
            sabo.iter().filter(with_places).filter(|u| u.insats == SarskiltBoende).map(|u| u.volume).sum();
        let enheter: BTreeSet<&str> =
            sabo.iter().filter(|u| u.insats == SarskiltBoende).map(|u| u.enhet.as_str()).collect();
        let n_places: Decimal = places.iter().filter(|(e, _)| enheter.contains(e.as_str())).map(|(_, p)| *p).sum();
        let clients = self
            .clients
            .iter()
            .filter(|c| {
                c.lines
                    .iter()
                    .any(|l| l.insats == SarskiltBoende && l.regi == Regi::Egen && places.contains_key(&l.enhet))
            })
            .count();
        let missing = || "Saknas underlag: läs in en fil med platser per boende (Enhet, Platser).".to_owned();
        let days = Decimal::from(days_in_year(self.year));
        let mut kr_plats = empty(&fig(
            "U23006",
            "Kostnad särskilt boende, egen regi, kr/plats",
            "kr/plats",
            "Kostnad för särskilt boende i egen regi delad med antal platser.",
            "Boenden i egen regi som har platser angivna.",
            "Annan regi.",
        ));
        kr_plats.numerator_label = "Kostnad särskilt boende, kr".into();
        kr_plats.denominator_label = "Platser".into();
        ratio(&mut kr_plats, cost, n_places, Decimal::ONE, missing);
        let mut belaggning = empty(&fig(
            "U23801",
            "Beläggningsgrad i särskilt boende, egen regi, andel (%)",
            "%",
            "Belagda dygn delat med platser gånger årets dagar.",
            "Boenden i egen regi som har platser angivna.",
            "Annan regi.",
        ));
        belaggning.numerator_label = "Belagda dygn".into();
        belaggning.denominator_label = format!("Platser × {days} dagar");
        ratio(&mut belaggning, dygn, n_places * days, Decimal::ONE_HUNDRED, missing);
        let mut omsattning = empty(&fig(
            "U23802",
            "Omsättningsgrad i särskilt boende, egen regi, antal personer per plats och år",
            "personer/plats",
            "Antal brukare under året delat med antal platser.",
            "Boenden i egen regi som har platser angivna.",
            "Annan regi.",
        ));
        omsattning.numerator_label = "Brukare under året".into();
        omsattning.denominator_label = "Platser".into();
        ratio(&mut omsattning, Decimal::from(clients as u64), n_places, Decimal::ONE, missing);
        for n in [&mut kr_plats, &mut belaggning, &mut omsattning] {
            n.insatser = vec![SarskiltBoende];
            n.clients = Some(clients as u32);
        }
        vec![kr_plats, belaggning, omsattning]
    }

    fn standardkostnad(&self) -> Nyckeltal {
        let mut n = empty(&fig(
            "KPB-STANDARD",
            "Avvikelse från standardkostnad, %",
            "%",
            "(Nettokostnad enligt KPB − standardkostnad) delat med standardkostnaden.",
            "Alla brukares kostnad efter assistansersättning. Standardkostnaden anges under Inställningar.",
            "",
        ));
        n.numerator_label = "Nettokostnad − standardkostnad, kr".into();
        n.denominator_label = "Standardkostnad, kr".into();
        let net: Decimal = self.clients.iter().map(|c| c.net()).sum();
        match self.settings.standardkostnad {
            Some(std) => ratio(&mut n, net - std, std, Decimal::ONE_HUNDRED, || {
                "Saknas underlag: standardkostnaden är noll.".into()
            }),
            None => n.missing = Some("Saknas underlag: ange standardkostnaden under Inställningar.".into()),
        }
        n
    }
}
