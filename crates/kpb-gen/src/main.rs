//! `kpb-gen --size <example|10k|100k|1m|3.5m> --out <dir> [--year 2025] [--seed N] [--manader]`,
//! or `kpb-gen --jamforelse --out <dir> [--year 2025]` for the example comparison files.
//! `--manader` writes the larger sizes' ledger per month (a `Period` column, `202501` …
//! `202512`), as the example's always is.

use kpb_gen::{Options, Size, generate};
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "användning: kpb-gen --size <example|10k|100k|1m|3.5m> --out <katalog> [--year 2025] [--seed N] [--manader]\n           kpb-gen --jamforelse --out <katalog> [--year 2025]\n  --manader  kostnader.csv per månad (kolumnen Period, ÅÅÅÅ01–ÅÅÅÅ12) även för de större storlekarna;\n             exemplet har alltid månader";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("kpb-gen: {message}\n{USAGE}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut opts = Options::default();
    let mut out: Option<PathBuf> = None;
    let mut comparison = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} saknar värde"));
        match arg.as_str() {
            "--size" => {
                let v = value("--size")?;
                opts.size = Size::parse(&v).ok_or_else(|| format!("okänd storlek {v:?}"))?;
            }
            "--out" => out = Some(PathBuf::from(value("--out")?)),
            "--jamforelse" => comparison = true,
            "--manader" | "--månader" => opts.monthly = true,
            "--year" => {
                let v = value("--year")?;
                opts.year =
                    v.parse().ok().filter(|y| (1950..=2200).contains(y)).ok_or_else(|| format!("orimligt år {v:?}"))?;
            }
            "--seed" => {
                let v = value("--seed")?;
                opts.seed = v.parse().map_err(|_| format!("--seed ska vara ett heltal, inte {v:?}"))?;
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("okänt argument {other:?}")),
        }
    }
    let out = out.ok_or("--out saknas")?;
    if comparison {
        for (name, text) in kpb_gen::comparison::files(opts.year) {
            let path = out.join(&name);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            }
            std::fs::write(&path, &text).map_err(|e| format!("{}: {e}", path.display()))?;
            println!("{:<32} {:>9} byte", name, text.len());
        }
        return Ok(());
    }
    let generated = generate(&opts);
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    for (name, text) in &generated.files {
        let path = out.join(name);
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("{:<16} {:>9} rader {:>12} byte", name, text.lines().count().saturating_sub(1), text.len());
    }
    for p in &generated.planted {
        println!("inplanterat fel: {} {}:{} {}", p.kind, p.file, p.line, p.what);
    }
    Ok(())
}
