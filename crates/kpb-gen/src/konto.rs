//! The chart of accounts (a simplified Kommun-Bas) and how each kind of unit's gross cost
//! spreads over it.

use crate::world::Profile;

// Revenue (negative amounts in the ledger).
/// Omsorgsavgifter hemtjänst (avgift).
pub const AVGIFT_HEMTJANST: &str = "3121";
/// Larmavgifter (avgift).
pub const AVGIFT_LARM: &str = "3122";
/// Avgifter korttidsboende (avgift).
pub const AVGIFT_KORTTID: &str = "3123";
/// Egenavgifter färdtjänst (avgift).
pub const AVGIFT_FARDTJANST: &str = "3125";
/// Måltidsavgifter (avgift).
pub const AVGIFT_MAT: &str = "3151";
/// Statsbidrag (övrig intäkt).
pub const STATSBIDRAG: &str = "3411";
/// Assistansersättning från Försäkringskassan.
pub const ASSISTANSERSATTNING: &str = "3471";
/// Försäljning av verksamhet till andra kommuner (försäljning).
pub const FORSALJNING_KOMMUN: &str = "3511";
/// Försäljning av verksamhet till regionen (försäljning).
pub const FORSALJNING_REGION: &str = "3512";
/// Bostadshyror (avgift).
pub const HYRA: &str = "3611";
/// Interna intäkter.
pub const INTERN_INTAKT: &str = "3811";

// Costs.
/// Habiliteringsersättning (daglig verksamhet).
pub const HABILITERING: &str = "4530";
/// Ersättning till Försäkringskassan för de första 20 timmarna per vecka (personlig assistans).
pub const FK_FORSTA_20: &str = "4590";
/// Köp av huvudverksamhet från privata utförare.
pub const KOP_HUVUDVERKSAMHET: &str = "4611";
/// Bidrag till bostadsanpassning.
pub const BIDRAG_BOSTADSANPASSNING: &str = "4620";
/// Månadslön.
pub const MANADSLON: &str = "5011";
/// Timlön.
pub const TIMLON: &str = "5021";
/// Personalomkostnadspålägg.
pub const PO: &str = "5611";
/// Övriga tjänster.
pub const TJANSTER: &str = "6490";

/// The rows of `konton.csv`: konto from, konto to, kontotyp.
pub const KONTON: [(&str, &str, &str); 9] = [
    ("3100", "3199", "avgift"),
    ("3400", "3469", "övrig intäkt"),
    ("3470", "3479", "assistansersättning"),
    ("3500", "3599", "försäljning"),
    ("3600", "3699", "avgift"),
    ("3800", "3899", "intern intäkt"),
    ("4000", "4999", "kostnad"),
    ("5000", "5999", "personalkostnad"),
    ("6000", "7999", "kostnad"),
];

// 5051 OB och övertid, 5811 personalvård, 6110 lokalhyra, 6420 vårdmaterial, 6410
// förbrukningsmaterial, 6450 livsmedel, 6540 IT-tjänster, 7011 leasing fordon, 7020 drivmedel,
// 7090 övriga fordonskostnader, 7310 telefoni, 7610 utbildning och konsulter.

pub const HEMTJANST: Profile = &[
    ("5011", 540),
    ("5021", 80),
    ("5051", 30),
    ("5611", 215),
    ("6110", 25),
    ("6410", 15),
    ("6540", 15),
    ("7011", 50),
    ("7020", 15),
    ("7310", 15),
];
pub const BOENDE: Profile = &[
    ("5011", 520),
    ("5021", 75),
    ("5051", 35),
    ("5611", 210),
    ("6110", 95),
    ("6420", 20),
    ("6450", 25),
    ("6540", 10),
    ("7310", 10),
];
pub const DAGLIG_VERKSAMHET: Profile = &[
    ("5011", 500),
    ("5021", 40),
    ("5611", 190),
    ("6110", 110),
    ("6410", 45),
    ("4530", 60),
    ("7011", 30),
    ("6540", 10),
    ("7310", 15),
];
pub const LARM: Profile = &[
    ("5011", 300),
    ("5021", 60),
    ("5051", 40),
    ("5611", 130),
    ("6410", 20),
    ("6540", 120),
    ("7011", 60),
    ("6490", 270),
];
pub const MAT: Profile =
    &[("5011", 220), ("5611", 85), ("6450", 520), ("7011", 90), ("7020", 30), ("6410", 30), ("6540", 15), ("7310", 10)];
pub const HSL: Profile =
    &[("5011", 600), ("5051", 40), ("5611", 225), ("6420", 60), ("7011", 40), ("6540", 20), ("7310", 15)];
pub const DAGVERKSAMHET: Profile =
    &[("5011", 520), ("5021", 40), ("5611", 210), ("6110", 110), ("6450", 60), ("6410", 30), ("7011", 30)];
pub const STOD: Profile =
    &[("5011", 600), ("5021", 60), ("5051", 15), ("5611", 235), ("6110", 30), ("7011", 30), ("6540", 15), ("7310", 15)];
pub const ASSISTANS_LSS: Profile =
    &[("5011", 450), ("5021", 220), ("5051", 60), ("5611", 250), ("7610", 10), ("6410", 10)];
/// Personal assistance costs not booked per client (material, training, staff welfare).
pub const ASSISTANS_OVRIGT: Profile = &[("6410", 300), ("7610", 400), ("5811", 300)];
/// A unit's or a förvaltning's administration.
pub const ADMIN: Profile = &[("5011", 640), ("5611", 235), ("6540", 60), ("7310", 30), ("7610", 35)];
pub const PLANERING: Profile = &[("5011", 700), ("5611", 255), ("6540", 45)];
pub const BILPOOL: Profile = &[("7011", 720), ("7020", 230), ("7090", 50)];
pub const NAMND: Profile = &[("5021", 400), ("5611", 120), ("7610", 180), ("6540", 50), ("6490", 250)];
pub const HANDLAGGNING: Profile = &[("5011", 690), ("5611", 250), ("6540", 40), ("7310", 20)];
pub const KOPT: Profile = &[(KOP_HUVUDVERKSAMHET, 1000)];
