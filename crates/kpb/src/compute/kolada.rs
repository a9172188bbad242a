//! Kolada's N-KPIs (KPB.md §3b) reproduced from the own data, by Kolada's definitions, so that
//! the own municipality can be set beside every municipality in Kolada:
//!
//! - **cost**: the KPB cost the clients of the verksamhet bore (gross cost less internal revenue
//!   and sales to other principals; fees not deducted), **all regi**; äldreomsorg is the clients
//!   65 and older (the age reached during the year), as the räkenskapssammandrag books it;
//! - **clients**: counted on the last day of every month (a row of the month, or a stay that
//!   covers the day), the age the one reached on that day; the year's figure is the median of
//!   the monthly counts; LSS boende and daglig verksamhet are counted on 1 October;
//! - **inhabitants**: the befolkning file (31 December), in the age band named.
//!
//! Each figure says what is missing when it cannot be computed, and notes what the data lacked.

use crate::date::{Date, days_in_month};
use crate::import::{ClientInfo, Dataset, Span};
use crate::model::{Insats, Regi, VolumeKind, lower_first};
use crate::reference;
use crate::report::{Basis, ClientCost, FigureUnit, Nyckeltal};
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use std::collections::BTreeSet;

use Insats::*;

const HEMTJANST: &[Insats] = &[Hemtjanst];
/// The cost of särskilt boende includes its HSL; residents are those with the boende.
const SABO_COST: &[Insats] = &[SarskiltBoende, HslSarskiltBoende];
const SABO: &[Insats] = &[SarskiltBoende];
const LSS_BOENDE: &[Insats] = &[Gruppbostad, Servicebostad, BostadBarn];
const DAGLIG: &[Insats] = &[DagligVerksamhet];
const ASSISTANS: &[Insats] = &[PersonligAssistansLss, PersonligAssistansSfb];
const LSS_SFB: &[Insats] = &[
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
];

/// Hemtjänsttagare with this many granted hours in a month or more (N21706).
const MANY_HOURS: u32 = 120;

/// A numerator or denominator.
#[derive(Clone, Copy, PartialEq)]
enum Q {
    /// Σ KPB cost of the clients' lines of `insatser` (clients of `min_age` or older at the end
    /// of the year), of one regi or all; `net`: less Försäkringskassan's assistansersättning.
    Cost { insatser: &'static [Insats], min_age: u32, regi: Option<Regi>, net: bool },
    /// The median of the monthly counts of persons with `insatser` on the month's last day, of
    /// `min_age` or older that day; with `hours`, only those granted that many hours or more.
    Persons { insatser: &'static [Insats], min_age: u32, hours: Option<u32> },
    /// Persons with `insatser` on 1 October.
    October { insatser: &'static [Insats] },
    /// Inhabitants of `min_age` or older.
    Inhabitants { min_age: u32 },
}

struct Spec {
    id: &'static str,
    unit: FigureUnit,
    /// 100 for a percentage.
    scale: u32,
    num: Q,
    den: Q,
    definition: &'static str,
    /// The KPB figure nearest to it, and how the two differ.
    kpb: Option<(&'static str, &'static str)>,
}

const fn cost(insatser: &'static [Insats], min_age: u32) -> Q {
    Q::Cost { insatser, min_age, regi: None, net: false }
}

const fn persons(insatser: &'static [Insats], min_age: u32) -> Q {
    Q::Persons { insatser, min_age, hours: None }
}

const HEMTJANST_KPB: (&str, &str) = (
    "U21003",
    "KPB:s U21003 är hemtjänst i egen regi per beviljad timme, alla åldrar. N21006 är alla regier, brukare 65 år och äldre, per person (median av månadernas antal hemtjänsttagare).",
);
const SABO_KPB: (&str, &str) = (
    "U23004",
    "KPB:s U23004 är särskilt boende i egen regi per dygn, alla åldrar. N23009 är alla regier, boende 65 år och äldre, per person (median av månadernas antal).",
);

const SPECS: &[Spec] = &[
    Spec {
        id: "N21006",
        unit: FigureUnit::KrPerBrukare,
        scale: 1,
        num: cost(HEMTJANST, 65),
        den: persons(HEMTJANST, 65),
        definition: "Kostnad för hemtjänst i ordinärt boende till brukare 65 år och äldre, alla regier, delad med antalet hemtjänsttagare 65+ (medianen av antalet den sista dagen i årets månader). Personer med enbart trygghetslarm, matdistribution, avlösning eller ledsagning räknas inte som hemtjänsttagare.",
        kpb: Some(HEMTJANST_KPB),
    },
    Spec {
        id: "N21009",
        unit: FigureUnit::KrPerInvanare,
        scale: 1,
        num: cost(HEMTJANST, 65),
        den: Q::Inhabitants { min_age: 65 },
        definition: "Kostnad för hemtjänst i ordinärt boende till brukare 65 år och äldre, alla regier, delad med antalet invånare 65 år och äldre.",
        kpb: None,
    },
    Spec {
        id: "N21024",
        unit: FigureUnit::KrPerInvanare,
        scale: 1,
        num: cost(HEMTJANST, 65),
        den: Q::Inhabitants { min_age: 80 },
        definition: "Kostnad för hemtjänst i ordinärt boende till brukare 65 år och äldre, alla regier, delad med antalet invånare 80 år och äldre.",
        kpb: None,
    },
    Spec {
        id: "N23009",
        unit: FigureUnit::KrPerBrukare,
        scale: 1,
        num: cost(SABO_COST, 65),
        den: persons(SABO, 65),
        definition: "Kostnad för särskilt boende (med HSL i boendet) till brukare 65 år och äldre, alla regier, delad med antalet boende 65+ (medianen av antalet den sista dagen i årets månader).",
        kpb: Some(SABO_KPB),
    },
    Spec {
        id: "N23007",
        unit: FigureUnit::KrPerInvanare,
        scale: 1,
        num: cost(SABO_COST, 65),
        den: Q::Inhabitants { min_age: 65 },
        definition: "Kostnad för särskilt boende till brukare 65 år och äldre, alla regier, delad med antalet invånare 65 år och äldre.",
        kpb: None,
    },
    Spec {
        id: "N23001",
        unit: FigureUnit::KrPerInvanare,
        scale: 1,
        num: cost(SABO_COST, 65),
        den: Q::Inhabitants { min_age: 80 },
        definition: "Kostnad för särskilt boende till brukare 65 år och äldre, alla regier, delad med antalet invånare 80 år och äldre.",
        kpb: None,
    },
    Spec {
        id: "N21701",
        unit: FigureUnit::Procent,
        scale: 100,
        num: persons(HEMTJANST, 65),
        den: Q::Inhabitants { min_age: 65 },
        definition: "Hemtjänsttagare 65+ i ordinärt boende (medianen av antalet den sista dagen i årets månader) delat med antalet invånare 65 år och äldre.",
        kpb: None,
    },
    Spec {
        id: "N21704",
        unit: FigureUnit::Procent,
        scale: 100,
        num: persons(HEMTJANST, 80),
        den: Q::Inhabitants { min_age: 80 },
        definition: "Hemtjänsttagare 80+ i ordinärt boende (medianen av antalet den sista dagen i årets månader) delat med antalet invånare 80 år och äldre.",
        kpb: None,
    },
    Spec {
        id: "N23801",
        unit: FigureUnit::Procent,
        scale: 100,
        num: persons(SABO, 80),
        den: Q::Inhabitants { min_age: 80 },
        definition: "Boende 80+ i särskilt boende (medianen av antalet den sista dagen i årets månader) delat med antalet invånare 80 år och äldre.",
        kpb: None,
    },
    Spec {
        id: "N21706",
        unit: FigureUnit::Procent,
        scale: 100,
        num: Q::Persons { insatser: HEMTJANST, min_age: 65, hours: Some(MANY_HOURS) },
        den: persons(HEMTJANST, 65),
        definition: "Hemtjänsttagare 65+ med 120 eller fler beviljade timmar i månaden delat med alla hemtjänsttagare 65+ (båda medianen av antalet den sista dagen i årets månader).",
        kpb: None,
    },
    Spec {
        id: "N21806",
        unit: FigureUnit::Procent,
        scale: 100,
        num: Q::Cost { insatser: HEMTJANST, min_age: 65, regi: Some(Regi::Annan), net: false },
        den: cost(HEMTJANST, 65),
        definition: "Kostnaden för hemtjänst i annan regi (köpt) till brukare 65 år och äldre delad med kostnaden för all hemtjänst till brukare 65 år och äldre.",
        kpb: None,
    },
    Spec {
        id: "N28013",
        unit: FigureUnit::KrPerBrukare,
        scale: 1,
        num: cost(LSS_BOENDE, 0),
        den: Q::October { insatser: LSS_BOENDE },
        definition: "Kostnad för bostad med särskild service enligt LSS (gruppbostad, servicebostad, bostad för barn), alla regier och åldrar, delad med antalet personer med beslut den 1 oktober.",
        kpb: Some((
            "U28030",
            "KPB:s U28030 är gruppbostad för vuxna i egen regi per dygn. N28013 är alla LSS-boenden och regier per person med beslut den 1 oktober.",
        )),
    },
    Spec {
        id: "N28015",
        unit: FigureUnit::KrPerBrukare,
        scale: 1,
        num: cost(DAGLIG, 0),
        den: Q::October { insatser: DAGLIG },
        definition: "Kostnad för daglig verksamhet enligt LSS, alla regier, delad med antalet personer med beslut den 1 oktober.",
        kpb: Some((
            "U28031",
            "KPB:s U28031 är daglig verksamhet i egen regi per dag. N28015 är alla regier per person med beslut den 1 oktober.",
        )),
    },
    Spec {
        id: "N28008",
        unit: FigureUnit::KrPerInvanare,
        scale: 1,
        num: Q::Cost { insatser: ASSISTANS, min_age: 0, regi: None, net: true },
        den: Q::Inhabitants { min_age: 0 },
        definition: "Kostnad för personlig assistans enligt LSS och SFB, alla regier, minus assistansersättningen från Försäkringskassan, delad med antalet invånare.",
        kpb: Some((
            "U25005",
            "KPB:s U25005 är personlig assistans SFB i egen regi per timme efter Försäkringskassans ersättning. N28008 är LSS och SFB i alla regier per invånare.",
        )),
    },
    Spec {
        id: "N25016",
        unit: FigureUnit::KrPerInvanare,
        scale: 1,
        num: cost(LSS_SFB, 0),
        den: Q::Inhabitants { min_age: 0 },
        definition: "Kostnad för alla insatser enligt LSS och SFB, alla regier och åldrar, delad med antalet invånare. Försäkringskassans ersättning dras inte av.",
        kpb: None,
    },
];

/// Every reproducible N-KPI, computed or with what is missing.
pub(crate) fn figures(ds: &Dataset, year: i32, clients: &[ClientCost], insatser_of: &[u32]) -> Vec<Nyckeltal> {
    let months = Months::read(ds, year);
    let inputs = Inputs { ds, year, clients, insatser_of, months: &months, done: Default::default() };
    SPECS.iter().map(|s| inputs.figure(s)).collect()
}

/// A quantity's value, or why there is none.
#[derive(Clone)]
struct Value {
    amount: Decimal,
    label: String,
    notes: Vec<String>,
}

struct Inputs<'a> {
    ds: &'a Dataset,
    year: i32,
    clients: &'a [ClientCost],
    /// Each client's insatser ([`Insats::bits`]), beside `clients`.
    insatser_of: &'a [u32],
    months: &'a Months,
    /// Quantities already worked out (several figures share a numerator or denominator).
    done: std::cell::RefCell<Vec<(Q, Result<Value, String>)>>,
}

impl Inputs<'_> {
    fn figure(&self, spec: &Spec) -> Nyckeltal {
        let title = reference::kpi_title(spec.id).unwrap_or(spec.id);
        let mut n = Nyckeltal {
            id: spec.id.to_owned(),
            name: title.to_owned(),
            unit: spec.unit,
            value: None,
            missing: None,
            definition: spec.definition.to_owned(),
            includes: "Alla regier. Kostnaden är den KPB-kostnad som lagts på brukarna: kostnad minus interna intäkter och försäljning till andra huvudmän; avgifter dras inte av.".to_owned(),
            excludes: "Kostnad som inte nådde någon brukare (se Kontroll).".to_owned(),
            numerator: Decimal::ZERO,
            numerator_label: String::new(),
            denominator: Decimal::ZERO,
            denominator_label: String::new(),
            by_enhet: Vec::new(),
            insatser: insatser(spec),
            clients: None,
            basis: Basis::Kolada,
            kpb: spec.kpb.map(|(id, text)| (id.to_owned(), text.to_owned())),
            notes: Vec::new(),
        };
        let (num, den) = match (self.quantity(spec.num), self.quantity(spec.den)) {
            (Ok(num), Ok(den)) => (num, den),
            (Err(a), Err(b)) if a != b => {
                n.missing = Some(format!("{a}; {b}"));
                return n;
            }
            (Err(m), _) | (_, Err(m)) => {
                n.missing = Some(m);
                return n;
            }
        };
        n.numerator = num.amount;
        n.numerator_label = num.label;
        n.denominator = den.amount;
        n.denominator_label = den.label;
        n.notes = num.notes;
        for note in den.notes {
            if !n.notes.contains(&note) {
                n.notes.push(note);
            }
        }
        if let Q::Persons { insatser, .. } | Q::October { insatser } = spec.den {
            n.clients = Some(self.months.distinct(insatser));
        }
        n.value = num.amount.checked_mul(Decimal::from(spec.scale)).and_then(|x| x.checked_div(den.amount));
        if den.amount.is_zero() {
            n.missing = Some(format!("{} är noll", lower_first(&n.denominator_label)));
        }
        n
    }

    fn quantity(&self, q: Q) -> Result<Value, String> {
        if let Some((_, v)) = self.done.borrow().iter().find(|(d, _)| *d == q) {
            return v.clone();
        }
        let v = self.work_out(q);
        self.done.borrow_mut().push((q, v.clone()));
        v
    }

    fn work_out(&self, q: Q) -> Result<Value, String> {
        match q {
            Q::Cost { insatser, min_age, regi, net } => self.cost(insatser, min_age, regi, net),
            Q::Persons { insatser, min_age, hours } => self.months.median(insatser, min_age, hours, self.ds, self.year),
            Q::October { insatser } => self.months.october(insatser, self.ds),
            Q::Inhabitants { min_age } => inhabitants(self.ds, min_age),
        }
    }

    fn cost(&self, insatser: &[Insats], min_age: u32, regi: Option<Regi>, net: bool) -> Result<Value, String> {
        let mut amount = Decimal::ZERO;
        let mut any = false;
        let (mut ageless, mut ageless_cost) = (0u32, Decimal::ZERO);
        let want = Insats::bits(insatser);
        // (Each of these clients has one of the insatser.)
        for c in super::having(self.clients, self.insatser_of, want) {
            let mut of_client = Decimal::ZERO;
            for l in c.lines.iter().filter(|l| l.insats.bit() & want != 0 && regi.is_none_or(|r| l.regi == r)) {
                of_client += l.cost + if net { l.assistansersattning } else { Decimal::ZERO };
            }
            match c.age {
                None if min_age > 0 => {
                    ageless += 1;
                    ageless_cost += of_client;
                    continue;
                }
                Some(a) if a < min_age => continue,
                _ => {}
            }
            any = true;
            amount += of_client;
        }
        let what = names(insatser);
        if !any {
            return Err(match (min_age, ageless) {
                (0, _) => format!("ingen brukare med {what}"),
                (_, 0) => format!("ingen brukare {min_age} år eller äldre med {what}"),
                (_, n) => ages_unknown(&what, n),
            });
        }
        if amount.is_zero() && regi.is_none() {
            return Err(format!("ingen kostnad för {what} på brukarna"));
        }
        let mut label = format!("Kostnad {what}");
        if let Some(r) = regi {
            label.push_str(&format!(", {}", r.name()));
        } else {
            label.push_str(", alla regier");
        }
        if min_age > 0 {
            label.push_str(&format!(", brukare {min_age}+"));
        }
        if net {
            label.push_str(", minus assistansersättning");
        }
        let mut notes = Vec::new();
        if ageless > 0 {
            notes.push(format!(
                "{ageless} brukare utan födelseår eller ålder ({} kr) räknades inte in i kostnaden för {min_age}+.",
                crate::format::kr(ageless_cost)
            ));
        }
        Ok(Value { amount, label: format!("{label} (kr)"), notes })
    }
}

fn insatser(spec: &Spec) -> Vec<Insats> {
    let mut all = BTreeSet::new();
    for q in [spec.num, spec.den] {
        match q {
            Q::Cost { insatser, .. } | Q::Persons { insatser, .. } | Q::October { insatser } => all.extend(insatser),
            Q::Inhabitants { .. } => {}
        }
    }
    all.into_iter().collect()
}

fn names(insatser: &[Insats]) -> String {
    match insatser {
        [one] => lower_first(one.name()),
        _ if insatser == LSS_SFB => "insatser enligt LSS och SFB".to_owned(),
        _ if insatser == LSS_BOENDE => "bostad med särskild service LSS".to_owned(),
        _ if insatser == ASSISTANS => "personlig assistans LSS och SFB".to_owned(),
        _ => lower_first(insatser[0].name()),
    }
}

/// Who had which insats on each month's last day and on 1 October, from the volume rows of the
/// year.
#[derive(Default)]
struct Months {
    /// Per client (dense, as in [`Dataset::clients`]), per month (index 0 = January): the
    /// insatser held on the month's last day (a bit per insats).
    held: Vec<[u32; 12]>,
    /// Per client with granted hemtjänst in a month: its hours in each month (index 0 =
    /// January). (A vector, not a map from client and month: a lookup a row and a client.)
    hours: Vec<[Decimal; 12]>,
    /// Per client: its place in `hours`, [`NO_HOURS`] for none.
    hours_of: Vec<u32>,
    /// Per client: the insatser held on 1 October.
    october: Vec<u32>,
    /// The months the data has rows for (all twelve when it has stays only).
    covered: BTreeSet<u8>,
    /// Insatser (bits) with a row that tells a month or a stay.
    dated: u32,
    /// Insatser (bits) with rows for the whole year only: (rows).
    undated: FxHashMap<Insats, u32>,
}

/// A client without granted hemtjänst by month, in [`Months::hours_of`].
const NO_HOURS: u32 = u32::MAX;

/// The insatser (bits) a client held on any month's last day, from its months in [`Months::held`].
fn ever(held: &[u32; 12]) -> u32 {
    held.iter().fold(0, |a, b| a | b)
}

fn last_day(year: i32, month: u8) -> Date {
    Date { year, month, day: days_in_month(year, month) }
}

impl Months {
    fn read(ds: &Dataset, year: i32) -> Months {
        let mut m = Months {
            held: vec![[0; 12]; ds.clients.len()],
            october: vec![0; ds.clients.len()],
            hours_of: vec![NO_HOURS; ds.clients.len()],
            ..Months::default()
        };
        let mut stays = false;
        // The months with rows, as bits (bit 0 = January): a set per row would cost more.
        let mut covered = 0u16;
        let october = Date { year, month: 10, day: 1 };
        for r in &ds.volumes {
            if r.volume().is_some_and(|v| v <= Decimal::ZERO) {
                continue;
            }
            let b = r.insats.bit();
            match r.span() {
                Span::Period(p) if p.year == year => match p.month {
                    Some(month) => {
                        m.held[r.client as usize][usize::from(month - 1)] |= b;
                        covered |= 1 << (month - 1);
                        m.dated |= b;
                        if month == 10 {
                            m.october[r.client as usize] |= b;
                        }
                        if r.insats == Hemtjanst && r.kind == VolumeKind::Beviljad {
                            let at = &mut m.hours_of[r.client as usize];
                            if *at == NO_HOURS {
                                *at = m.hours.len() as u32;
                                m.hours.push([Decimal::ZERO; 12]);
                            }
                            m.hours[*at as usize][usize::from(month - 1)] += r.volume().unwrap_or_default();
                        }
                    }
                    None => *m.undated.entry(r.insats).or_default() += 1,
                },
                Span::Unspecified => *m.undated.entry(r.insats).or_default() += 1,
                Span::Period(_) => {}
                Span::Stay { from, to } => {
                    let covers = |d: Date| from <= d && to.is_none_or(|t| d <= t);
                    for month in 1..=12 {
                        if covers(last_day(year, month)) {
                            m.held[r.client as usize][usize::from(month - 1)] |= b;
                            m.dated |= b;
                        }
                    }
                    if covers(october) {
                        m.october[r.client as usize] |= b;
                    }
                    stays = true;
                }
            }
        }
        m.covered.extend((1..=12).filter(|month| covered & 1 << (month - 1) != 0));
        if m.covered.is_empty() && stays {
            m.covered.extend(1..=12);
        }
        m
    }

    /// Why counting by month cannot be done for `insatser`, if it cannot.
    fn undatable(&self, insatser: &[Insats]) -> Option<String> {
        (self.dated & Insats::bits(insatser) == 0)
            .then(|| format!("brukarstatistiken har inga månader eller datum för {}", names(insatser)))
    }

    /// The clients who held one of `insatser` on some month's last day.
    fn clients(&self, insatser: &[Insats]) -> impl Iterator<Item = u32> + '_ {
        let want = Insats::bits(insatser);
        (0u32..).zip(&self.held).filter(move |(_, m)| ever(m) & want != 0).map(|(c, _)| c)
    }

    fn notes(&self, insatser: &[Insats], ds: &Dataset, min_age: u32, counted: &[u32]) -> Vec<String> {
        let mut notes = Vec::new();
        let undated: u32 = insatser.iter().filter_map(|i| self.undated.get(i)).sum();
        if undated > 0 {
            notes.push(format!(
                "{} rader för {} saknar månad och räknades inte i antalet personer.",
                crate::format::count(undated),
                names(insatser)
            ));
        }
        if self.covered.len() < 12 && !self.covered.is_empty() {
            notes.push(format!(
                "Brukarstatistiken har {} av årets tolv månader; medianen är tagen över dem.",
                self.covered.len()
            ));
        }
        if min_age > 0 {
            let info = |c: &u32| &ds.clients[*c as usize];
            let ageless = counted.iter().filter(|c| info(c).birth_year.is_none() && info(c).age.is_none()).count();
            let by_year = counted.iter().filter(|c| info(c).birth_year.is_some() && info(c).birthday.is_none()).count();
            if ageless > 0 {
                notes.push(format!("{ageless} personer utan födelseår eller ålder räknades inte."));
            }
            if by_year > 0 {
                notes.push(format!(
                    "{by_year} personer har födelseår men inget personnummer: deras ålder är den de fyller under året."
                ));
            }
        }
        notes
    }

    fn median(
        &self,
        insatser: &[Insats],
        min_age: u32,
        hours: Option<u32>,
        ds: &Dataset,
        year: i32,
    ) -> Result<Value, String> {
        if let Some(why) = self.undatable(insatser) {
            return Err(why);
        }
        let want = Insats::bits(insatser);
        let limit = hours.map(Decimal::from);
        // The months counted (index 0 = January) and their last days; each client is read once.
        let months: Vec<(usize, Date)> =
            self.covered.iter().map(|&m| (usize::from(m - 1), last_day(year, m))).collect();
        let mut counts = vec![0u32; months.len()];
        for (client, held) in (0u32..).zip(&self.held) {
            if ever(held) & want == 0 {
                continue;
            }
            let info = &ds.clients[client as usize];
            for (n, &(month, day)) in counts.iter_mut().zip(&months) {
                if held[month] & want == 0 {
                    continue;
                }
                let old = min_age == 0 || age_on(info, day).is_some_and(|a| a >= min_age);
                // (A month without rows has no hours: below any limit, which is positive.)
                let many = limit.is_none_or(|l| {
                    let at = self.hours_of[client as usize];
                    at != NO_HOURS && self.hours[at as usize][month] >= l
                });
                if old && many {
                    *n += 1;
                }
            }
        }
        let what = names(insatser);
        let seen: Vec<u32> = self.clients(insatser).collect();
        if seen.is_empty() {
            return Err(format!("ingen brukare med {what} i brukarstatistiken"));
        }
        let year_end = last_day(year, 12);
        if min_age > 0 && seen.iter().all(|&c| age_on(&ds.clients[c as usize], year_end).is_none()) {
            return Err(ages_unknown(&what, seen.len() as u32));
        }
        if hours.is_some() && self.hours.is_empty() {
            return Err("brukarstatistiken har ingen beviljad tid per månad för hemtjänst".into());
        }
        counts.sort_unstable();
        let median = median(&counts);
        let mut label = format!("Personer med {what}");
        if min_age > 0 {
            label.push_str(&format!(", {min_age}+"));
        }
        if let Some(h) = hours {
            label.push_str(&format!(", {h}+ beviljade timmar i månaden"));
        }
        label.push_str(" (median av månadernas antal)");
        Ok(Value { amount: median, label, notes: self.notes(insatser, ds, min_age, &seen) })
    }

    fn october(&self, insatser: &[Insats], ds: &Dataset) -> Result<Value, String> {
        if let Some(why) = self.undatable(insatser) {
            return Err(why);
        }
        let want = Insats::bits(insatser);
        let counted: Vec<u32> =
            (0u32..).zip(&self.october).filter(|(_, held)| **held & want != 0).map(|(c, _)| c).collect();
        let what = names(insatser);
        if counted.is_empty() {
            return Err(format!("ingen person med {what} den 1 oktober i brukarstatistiken"));
        }
        Ok(Value {
            amount: Decimal::from(counted.len() as u64),
            label: format!("Personer med {what} den 1 oktober"),
            notes: self.notes(insatser, ds, 0, &counted),
        })
    }

    /// Distinct persons behind a count (for the network file's minimum).
    fn distinct(&self, insatser: &[Insats]) -> u32 {
        self.clients(insatser).count() as u32
    }
}

/// Why a figure of some age cannot be computed when no brukare with its insatser has an age.
fn ages_unknown(what: &str, clients: u32) -> String {
    format!(
        "åldern är okänd för alla brukare med {what} ({}): brukarfilen har inget personnummer, födelseår eller ålder som känns igen",
        crate::format::count(clients)
    )
}

/// The median of sorted counts (the mean of the two middle ones for an even number).
fn median(sorted: &[u32]) -> Decimal {
    match sorted.len() {
        0 => Decimal::ZERO,
        n if n % 2 == 1 => Decimal::from(sorted[n / 2]),
        n => (Decimal::from(sorted[n / 2 - 1]) + Decimal::from(sorted[n / 2])) / Decimal::TWO,
    }
}

/// The age a client has reached on `day`: from the birthday when a personnummer gave it, else
/// the age reached during the year of `day` (birth year only), else the age the file gave.
fn age_on(info: &ClientInfo, day: Date) -> Option<u32> {
    match (info.birth_year, info.birthday) {
        (Some(born), Some(birthday)) => {
            // 29 February is reached on 1 March in other years.
            let before = (day.month, day.day) < birthday;
            u32::try_from(day.year - born - i32::from(before)).ok()
        }
        (Some(born), None) => u32::try_from(day.year - born).ok(),
        (None, _) => info.age,
    }
}

/// Inhabitants of `min_age` or older from the befolkning file, when its age bands allow it.
fn inhabitants(ds: &Dataset, min_age: u32) -> Result<Value, String> {
    let band = if min_age == 0 { "i alla åldrar".to_owned() } else { format!("{min_age} år och äldre") };
    if ds.population.is_empty() {
        return Err(format!("saknar befolkning {band} (befolkningsfilen)"));
    }
    if let Some(r) = ds.population.iter().find(|r| r.from < min_age && r.to.is_none_or(|t| t >= min_age)) {
        let to = r.to.map_or_else(|| "w".to_owned(), |t| t.to_string());
        return Err(format!("befolkningsfilens åldersgrupp {}–{to} delar inte vid {min_age} år", r.from));
    }
    let mut rows: Vec<_> = ds.population.iter().filter(|r| r.from >= min_age).collect();
    rows.sort_by_key(|r| r.from);
    // The bands must run from min_age without a gap to an open end (or 100 years and older).
    let mut next = min_age;
    for r in &rows {
        if r.from > next {
            return Err(format!("befolkningsfilen saknar åldrarna {next}–{}", r.from - 1));
        }
        next = next.max(r.to.map_or(u32::MAX, |t| t.saturating_add(1)));
    }
    if rows.is_empty() || next < 100 {
        return Err(format!("befolkningsfilen saknar åldrarna från {next} år"));
    }
    Ok(Value { amount: rows.iter().map(|r| r.antal).sum(), label: format!("Invånare {band}"), notes: Vec::new() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Scope;

    #[test]
    fn lss_and_sfb_is_the_catalogues_area() {
        let area: BTreeSet<Insats> = Insats::all().filter(|i| matches!(i.scope(), Scope::Lss | Scope::Sfb)).collect();
        assert_eq!(LSS_SFB.iter().copied().collect::<BTreeSet<_>>(), area);
    }

    #[test]
    fn the_median_of_an_even_number_of_months_is_the_mean_of_the_middle_two() {
        assert_eq!(median(&[1, 1, 1, 2, 2, 2]), Decimal::new(15, 1));
        assert_eq!(median(&[0, 3, 7]), Decimal::from(3));
        assert_eq!(median(&[]), Decimal::ZERO);
    }
}
