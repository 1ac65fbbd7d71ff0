//! `caseload-bench soak`: a bounded mixed load for a long while against the
//! real server — queue pages, case pages, note appends and sign-ins, each at
//! a fixed pace — with the server's resident memory sampled throughout.
//! After the warm-up it judges three things: no request failed, memory
//! stayed within a limit of its highest level in the warm-up, and no
//! kind's p99 drifted from the first minutes to the last.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::{Value, json};
use tokio::time::MissedTickBehavior;

use super::driver::Conn;
use super::server::{practitioner, prepare, queue_cases, start_server};
use super::writes::note_body;

#[derive(Debug, clap::Args)]
pub(crate) struct SoakArgs {
    /// How long to drive the server, warm-up included.
    #[arg(long, default_value_t = 20.0)]
    minutes: f64,
    /// The first minutes, not judged: memory and latency settle.
    #[arg(long, default_value_t = 2.0)]
    warm_up_minutes: f64,
    /// Length of one row of the report, and of the windows p99 is compared
    /// over, in seconds (60: per minute; less for a short trial run).
    #[arg(long, default_value_t = 60)]
    bucket_seconds: u64,
    /// tiny, small or medium (see `caseload demo --scale`), loaded afresh.
    #[arg(long, default_value = "small")]
    scale: String,
    /// sqlite or postgres.
    #[arg(long, default_value = "sqlite")]
    backend: String,
    /// Multiplies every kind's pace (queue JSON 20/s, queue page 5/s, case
    /// page 10/s, note append 5/s, sign-in 0.5/s).
    #[arg(long, default_value_t = 1.0)]
    rate: f64,
    /// Largest rise of resident memory after the warm-up over its highest
    /// level in the warm-up.
    #[arg(long, default_value_t = 10.0)]
    max_rss_growth_percent: f64,
    /// Largest rise of a kind's p99 from the first judged minutes to the
    /// last (a quarter of the judged time each, at least one bucket)...
    #[arg(long, default_value_t = 50.0)]
    max_p99_drift_percent: f64,
    /// ...unless the rise is no more than this many milliseconds: noise on
    /// a shared machine, not drift.
    #[arg(long, default_value_t = 5.0)]
    drift_floor_ms: f64,
    /// Where the SQLite data and the results go.
    #[arg(long, default_value = "target/bench")]
    dir: PathBuf,
    /// A PostgreSQL server the bench may create a database on.
    #[arg(
        long,
        env = "CASELOAD_BENCH_POSTGRES_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    postgres: String,
}

/// The kinds of request, their pace per second at `--rate 1`, and the
/// concurrent clients each is sent from.
const KINDS: [(&str, f64, usize); 5] = [
    ("queue_json", 20.0, 2),
    ("queue_html", 5.0, 1),
    ("case_html", 10.0, 2),
    ("note_append", 5.0, 2),
    ("sign_in", 0.5, 1),
];

/// Accounts the sign-ins rotate over, all with the right password: the
/// throttle counts failures per account and address, and there are none.
const SIGN_IN_ACCOUNTS: usize = 4;

struct Sample {
    kind: usize,
    at: f64,
    ms: f64,
    ok: bool,
}

struct Ctx {
    addr: String,
    auth: String,
    cookie: String,
    /// Cases whose pages are read: never written to here, so a page does
    /// not grow with the run and seem to drift.
    read: Vec<String>,
    /// Cases notes are appended to.
    write: Vec<String>,
    accounts: Vec<String>,
}

pub(crate) async fn soak(args: &SoakArgs, caseload: &Path) -> anyhow::Result<()> {
    if args.warm_up_minutes >= args.minutes {
        bail!("--warm-up-minutes must be less than --minutes");
    }
    std::fs::create_dir_all(&args.dir)?;
    let url = match args.backend.as_str() {
        "sqlite" => format!(
            "sqlite:{}",
            args.dir.join(format!("soak-{}.db", args.scale)).display()
        ),
        "postgres" => {
            let base = args.postgres.rsplit_once('/').map_or("", |(b, _)| b);
            format!("{base}/caseload_bench_soak_{}", args.scale)
        }
        other => bail!("--backend {other:?}: use sqlite or postgres"),
    };
    eprintln!("== soak: {}, {} data: {url}", args.backend, args.scale);
    let accounts: Vec<String> = (1..=SIGN_IN_ACCOUNTS).map(practitioner).collect();
    let token = prepare(
        caseload,
        &args.backend,
        &url,
        &args.postgres,
        &args.scale,
        &accounts,
    )
    .await?;
    let (mut server, addr) = start_server(caseload, &url, &[]).await?;
    let pid = server.id().context("server pid")?;
    let auth = format!("Bearer {token}");
    let cases = queue_cases(&addr, &auth).await?;
    if cases.len() < 2 {
        bail!("the practitioner has {} open cases; need two", cases.len());
    }
    let (read, write) = cases.split_at(cases.len() / 2);
    let mut probe = Conn::open(&addr).await?;
    let cookie = super::driver::sign_in(&mut probe).await?;
    let ctx = Arc::new(Ctx {
        addr: addr.clone(),
        auth,
        cookie,
        read: read.to_vec(),
        write: write.to_vec(),
        accounts,
    });
    let load_before = loadavg();
    let started = Instant::now();
    let until = started + Duration::from_secs_f64(args.minutes * 60.0);
    let mut tasks = Vec::new();
    for (kind, &(_, pace, clients)) in KINDS.iter().enumerate() {
        let every = Duration::from_secs_f64(clients as f64 / (pace * args.rate));
        for client in 0..clients {
            let ctx = ctx.clone();
            tasks.push(tokio::spawn(drive(
                kind, client, clients, every, ctx, started, until,
            )));
        }
    }
    // Resident memory, every few seconds.
    let every = Duration::from_secs(args.bucket_seconds.div_ceil(12).clamp(1, 5));
    let mut rss = Vec::new();
    let mut tick = tokio::time::interval(every);
    while Instant::now() < until {
        tick.tick().await;
        if let Some(kib) = rss_kib(pid) {
            rss.push((started.elapsed().as_secs_f64(), kib as f64));
        }
    }
    let mut samples = Vec::new();
    for t in tasks {
        samples.extend(t.await?);
    }
    let load_after = loadavg();
    let _ = server.start_kill();
    let _ = server.wait().await;

    let report = judge(args, &samples, &rss);
    let mut out = report.json;
    out["backend"] = json!(args.backend);
    out["scale"] = json!(args.scale);
    out["machine"] = super::machine();
    out["load_average_before"] = json!(load_before);
    out["load_average_after"] = json!(load_after);
    let file = args
        .dir
        .join(format!("soak-{}-{}.json", args.backend, args.scale));
    std::fs::write(&file, serde_json::to_string_pretty(&out)?)?;
    println!(
        "### Soak — {}, {} data, {} min ({} cores, {}; load average {} before, {} after)\n",
        args.backend,
        args.scale,
        args.minutes,
        out["machine"]["cores"],
        out["machine"]["date"].as_str().unwrap_or_default(),
        load_before,
        load_after
    );
    println!("{}", report.markdown);
    println!("(figures also in {})", file.display());
    if !report.passed {
        bail!("the soak failed a criterion (see the table)");
    }
    Ok(())
}

/// One client of one kind: a request every `every` until `until`, each
/// timed; a failed connection is counted as an error and opened again.
async fn drive(
    kind: usize,
    client: usize,
    clients: usize,
    every: Duration,
    ctx: Arc<Ctx>,
    started: Instant,
    until: Instant,
) -> Vec<Sample> {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut conn: Option<Conn> = None;
    let mut out = Vec::new();
    let mut i = client;
    let mut told = 0;
    loop {
        tick.tick().await;
        if Instant::now() >= until {
            return out;
        }
        let t = Instant::now();
        let result = async {
            if conn.is_none() {
                conn = Some(Conn::open(&ctx.addr).await?);
            }
            let c = conn.as_mut().context("connection")?;
            request(kind, i, c, &ctx).await
        }
        .await;
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        let ok = match result {
            Ok(None) => true,
            Ok(Some(why)) | Err(why) => {
                conn = None;
                if told < 5 {
                    told += 1;
                    eprintln!("   {} failed: {why:#}", KINDS[kind].0);
                }
                false
            }
        };
        out.push(Sample {
            kind,
            at: t.duration_since(started).as_secs_f64(),
            ms,
            ok,
        });
        i += clients;
    }
}

/// The `i`th request of `kind`: `None` if it was answered as expected.
async fn request(
    kind: usize,
    i: usize,
    c: &mut Conn,
    ctx: &Ctx,
) -> anyhow::Result<Option<anyhow::Error>> {
    let bearer = ("authorization", ctx.auth.as_str());
    let session = ("cookie", ctx.cookie.as_str());
    let (r, want) = match KINDS[kind].0 {
        "queue_json" => (
            c.request("GET", "/api/v1/caseload", &[bearer], None)
                .await?,
            200,
        ),
        "queue_html" => (c.request("GET", "/caseload", &[session], None).await?, 200),
        "case_html" => {
            let path = format!("/cases/{}", ctx.read[i % ctx.read.len()]);
            (c.request("GET", &path, &[session], None).await?, 200)
        }
        "note_append" => {
            let path = format!("/api/v1/cases/{}/notes", ctx.write[i % ctx.write.len()]);
            let body = note_body(i);
            let headers = [bearer, ("content-type", "application/json")];
            (
                c.request("POST", &path, &headers, Some(body.as_bytes()))
                    .await?,
                201,
            )
        }
        _ => {
            let who = &ctx.accounts[i % ctx.accounts.len()];
            let body = format!(
                "email={}&password={}",
                who.replace('@', "%40"),
                super::PASSWORD
            );
            let headers = [("content-type", "application/x-www-form-urlencoded")];
            let r = c
                .request("POST", "/sign-in", &headers, Some(body.as_bytes()))
                .await?;
            if r.set_cookie.is_none() {
                return Ok(Some(anyhow::anyhow!("sign-in gave no session cookie")));
            }
            (r, 303)
        }
    };
    Ok((r.status != want).then(|| {
        anyhow::anyhow!(
            "answered {} (not {want}): {}",
            r.status,
            String::from_utf8_lossy(&r.body)
                .chars()
                .take(200)
                .collect::<String>()
        )
    }))
}

fn rss_kib(pid: u32) -> Option<u64> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// The nearest-rank percentile (`q` from 0 to 1) of sorted values; 0 if none.
pub(crate) fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Resident memory after the warm-up against its level in it.
#[derive(Debug, PartialEq)]
pub(crate) struct Flat {
    pub(crate) base_kib: f64,
    pub(crate) max_kib: f64,
    pub(crate) growth_percent: f64,
    pub(crate) ok: bool,
}

/// `samples` are (seconds, KiB). The level is the highest sample taken in
/// the warm-up (the first one if none was: memory freed and taken again
/// moves a sample by a tenth or more, so a low point is no baseline); `None`
/// without a sample after it.
pub(crate) fn flat_memory(
    samples: &[(f64, f64)],
    warm_up_s: f64,
    limit_percent: f64,
) -> Option<Flat> {
    let base_kib = samples
        .iter()
        .filter(|(t, _)| *t <= warm_up_s)
        .map(|(_, k)| *k)
        .reduce(f64::max)
        .or(samples.first().map(|(_, k)| *k))?;
    let max_kib = samples
        .iter()
        .filter(|(t, _)| *t > warm_up_s)
        .map(|(_, k)| *k)
        .reduce(f64::max)?;
    let growth_percent = (max_kib / base_kib - 1.0) * 100.0;
    Some(Flat {
        base_kib,
        max_kib,
        growth_percent,
        ok: max_kib <= base_kib * (1.0 + limit_percent / 100.0),
    })
}

/// Whether p99 drifted from `first` to `last` (ms): a rise of more than
/// `limit_percent` that is also more than `floor_ms`.
pub(crate) fn drifted(first: f64, last: f64, limit_percent: f64, floor_ms: f64) -> bool {
    last > first * (1.0 + limit_percent / 100.0) && last - first > floor_ms
}

/// How many buckets each of the first and last windows holds, of `judged`
/// buckets after the warm-up: a quarter, at least one; none with fewer
/// than two (nothing to compare).
pub(crate) fn window(judged: usize) -> usize {
    if judged < 2 { 0 } else { (judged / 4).max(1) }
}

struct Report {
    markdown: String,
    json: Value,
    passed: bool,
}

fn judge(args: &SoakArgs, samples: &[Sample], rss: &[(f64, f64)]) -> Report {
    let bucket = args.bucket_seconds as f64;
    let total = (args.minutes * 60.0 / bucket).ceil() as usize;
    let warm_s = args.warm_up_minutes * 60.0;
    let warm = (warm_s / bucket).ceil() as usize;
    let at_bucket = |t: f64| ((t / bucket) as usize).min(total.saturating_sub(1));
    // Latencies by kind and bucket, and errors by bucket.
    let mut lat = vec![vec![Vec::new(); total]; KINDS.len()];
    let mut errors = vec![0usize; total];
    for s in samples {
        let b = at_bucket(s.at);
        if s.ok {
            lat[s.kind][b].push(s.ms);
        } else {
            errors[b] += 1;
        }
    }
    for per in &mut lat {
        for v in per.iter_mut() {
            v.sort_unstable_by(f64::total_cmp);
        }
    }
    let mut rss_max = vec![0f64; total];
    for &(t, k) in rss {
        let b = at_bucket(t);
        rss_max[b] = rss_max[b].max(k);
    }
    let mut md = String::from("| Bucket | RSS MiB |");
    for (name, _, _) in KINDS {
        md.push_str(&format!(" {name} p99 ms (n) |"));
    }
    md.push_str(" Errors |\n|---|---|");
    md.push_str(&"---|".repeat(KINDS.len() + 1));
    md.push('\n');
    let mut rows = Vec::new();
    for b in 0..total {
        let start = b as f64 * bucket;
        md.push_str(&format!(
            "| {}–{} s{} | {:.1} |",
            start,
            start + bucket,
            if b < warm { " (warm-up)" } else { "" },
            rss_max[b] / 1024.0
        ));
        let mut p99s = serde_json::Map::new();
        for (k, (name, _, _)) in KINDS.iter().enumerate() {
            let v = &lat[k][b];
            md.push_str(&format!(" {:.2} ({}) |", percentile(v, 0.99), v.len()));
            p99s.insert(
                (*name).into(),
                json!({"p99_ms": percentile(v, 0.99), "requests": v.len()}),
            );
        }
        md.push_str(&format!(" {} |\n", errors[b]));
        rows.push(json!({"from_s": start, "rss_mib": rss_max[b] / 1024.0, "kinds": p99s, "errors": errors[b]}));
    }

    // The criteria.
    let mut passed = true;
    let mut criteria = Vec::new();
    md.push_str("\n| Criterion | Figure | Limit | Met? |\n|---|---|---|---|\n");
    let yes = |ok: bool| if ok { "yes" } else { "**no**" };
    let error_total: usize = errors.iter().sum();
    let requests = samples.len();
    passed &= error_total == 0;
    md.push_str(&format!(
        "| Errors | {error_total} of {requests} requests | 0 | {} |\n",
        yes(error_total == 0)
    ));
    criteria.push(json!({"criterion": "errors", "figure": error_total, "requests": requests, "ok": error_total == 0}));
    match flat_memory(rss, warm_s, args.max_rss_growth_percent) {
        Some(f) => {
            passed &= f.ok;
            md.push_str(&format!(
                "| Resident memory after warm-up | {:.1} MiB at most in it, at most {:.1} MiB after ({:+.1}%) | ≤ +{}% | {} |\n",
                f.base_kib / 1024.0,
                f.max_kib / 1024.0,
                f.growth_percent,
                args.max_rss_growth_percent,
                yes(f.ok)
            ));
            criteria.push(json!({"criterion": "rss", "base_mib": f.base_kib / 1024.0,
                "max_mib": f.max_kib / 1024.0, "growth_percent": f.growth_percent, "ok": f.ok}));
        }
        None => {
            passed = false;
            md.push_str("| Resident memory after warm-up | no samples | — | **no** |\n");
        }
    }
    let judged = total - warm.min(total);
    let w = window(judged);
    for (k, (name, _, _)) in KINDS.iter().enumerate() {
        if w == 0 {
            md.push_str(&format!(
                "| {name} p99 drift | fewer than two buckets after warm-up | — | not judged |\n"
            ));
            continue;
        }
        let pool = |range: std::ops::Range<usize>| {
            let mut v: Vec<f64> = lat[k][range].iter().flatten().copied().collect();
            v.sort_unstable_by(f64::total_cmp);
            percentile(&v, 0.99)
        };
        let first = pool(warm..warm + w);
        let last = pool(total - w..total);
        let ok = !drifted(first, last, args.max_p99_drift_percent, args.drift_floor_ms);
        passed &= ok;
        md.push_str(&format!(
            "| {name} p99 drift | first {w} bucket(s) after warm-up {first:.2} ms, last {w} {last:.2} ms | ≤ +{}% or ≤ +{} ms | {} |\n",
            args.max_p99_drift_percent,
            args.drift_floor_ms,
            yes(ok)
        ));
        criteria.push(
            json!({"criterion": format!("{name}_p99_drift"), "first_ms": first,
            "last_ms": last, "window_buckets": w, "ok": ok}),
        );
    }
    Report {
        markdown: md,
        json: json!({"minutes": args.minutes, "warm_up_minutes": args.warm_up_minutes,
            "bucket_seconds": args.bucket_seconds, "rate": args.rate,
            "paces_per_second": KINDS.iter().map(|(n, p, _)| json!({"kind": n, "per_second": p * args.rate})).collect::<Vec<_>>(),
            "buckets": rows, "criteria": criteria, "passed": passed}),
        passed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_is_the_nearest_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 0.99), 99.0);
        assert_eq!(percentile(&v, 0.5), 50.0);
        assert_eq!(percentile(&v, 1.0), 100.0);
        assert_eq!(percentile(&v, 0.0), 1.0);
        assert_eq!(percentile(&[7.0], 0.99), 7.0);
        assert_eq!(percentile(&[], 0.99), 0.0);
        // Ten values: the 99th percentile is the largest.
        let ten: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(percentile(&ten, 0.99), 10.0);
    }

    #[test]
    fn memory_is_judged_against_the_highest_level_of_the_warm_up() {
        // A climb during the warm-up is not held against the run, nor a
        // dip at its end.
        let s = [
            (0.0, 50.0),
            (60.0, 100.0),
            (120.0, 90.0),
            (180.0, 105.0),
            (240.0, 110.0),
        ];
        let f = flat_memory(&s, 120.0, 10.0).unwrap();
        assert_eq!((f.base_kib, f.max_kib), (100.0, 110.0));
        assert!(f.ok);
        let s = [(0.0, 50.0), (120.0, 100.0), (180.0, 105.0), (240.0, 110.5)];
        assert!(!flat_memory(&s, 120.0, 10.0).unwrap().ok);
        // No sample in the warm-up: the first one is the level.
        let s = [(130.0, 100.0), (180.0, 120.0)];
        let f = flat_memory(&s, 120.0, 10.0).unwrap();
        assert_eq!(f.base_kib, 100.0);
        assert!(!f.ok);
        // Nothing after the warm-up: nothing to judge.
        assert_eq!(flat_memory(&[(10.0, 1.0)], 120.0, 10.0), None);
        assert_eq!(flat_memory(&[], 120.0, 10.0), None);
    }

    #[test]
    fn drift_needs_both_the_percentage_and_the_floor() {
        assert!(!drifted(10.0, 14.9, 50.0, 1.0));
        assert!(drifted(10.0, 15.1, 50.0, 1.0));
        // Large in percent but within the floor: noise.
        assert!(!drifted(1.0, 3.0, 50.0, 5.0));
        assert!(drifted(1.0, 6.5, 50.0, 5.0));
        // Faster at the end is never drift.
        assert!(!drifted(20.0, 5.0, 50.0, 0.0));
    }

    #[test]
    fn windows_are_a_quarter_of_the_judged_buckets() {
        assert_eq!(window(0), 0);
        assert_eq!(window(1), 0);
        assert_eq!(window(2), 1);
        assert_eq!(window(7), 1);
        assert_eq!(window(18), 4);
    }
}
