//! The figures as a Markdown table.

use serde_json::Value;

pub(crate) fn table(r: &Value) -> String {
    let mut out = format!(
        "### {} — {} data ({} cores, {} GiB, {})\n\n| Measure | Figure |\n|---|---|\n",
        r["backend"].as_str().unwrap_or_default(),
        r["scale"].as_str().unwrap_or_default(),
        r["machine"]["cores"],
        r["machine"]["memory_gib"],
        r["machine"]["date"].as_str().unwrap_or_default()
    );
    let f = |v: &Value| v.as_f64().map_or("—".to_owned(), |x| format!("{x:.2}"));
    if let Some(v) = r.get("load_seconds") {
        out.push_str(&format!(
            "| Load (`caseload demo --scale`) | {} s |\n",
            f(v)
        ));
    }
    out.push_str(&format!(
        "| Re-evaluation, first run | {} s |\n",
        f(&r["reevaluate_first_seconds"])
    ));
    out.push_str(&format!(
        "| Re-evaluation, steady state | {} s |\n",
        f(&r["reevaluate_seconds"])
    ));
    out.push_str(&format!(
        "| Start-up to first answer | {} s |\n",
        f(&r["startup_seconds"])
    ));
    out.push_str(&format!(
        "| Queue rows for the practitioner | {} |\n",
        r["queue_rows"]
    ));
    if let Some(reads) = r["reads"].as_object() {
        for (name, s) in reads {
            out.push_str(&format!(
                "| {name} ({} connections) | p50 {} ms, p99 {} ms, {} req/s; CPU µs/request: server {}, machine {} |\n",
                s["connections"],
                f(&s["p50_ms"]),
                f(&s["p99_ms"]),
                f(&s["per_second"]),
                f(&s["server_cpu_us_per_request"]),
                f(&s["machine_cpu_us_per_request"])
            ));
        }
    }
    let w = &r["note_append"];
    out.push_str(&format!(
        "| Note append, 16 writers | {} notes/s, p50 {} ms, p99 {} ms |\n",
        f(&w["per_second"]),
        f(&w["p50_ms"]),
        f(&w["p99_ms"])
    ));
    out.push_str(&format!(
        "| Raw durable insert, 16 writers | {} writes/s |\n",
        f(&r["raw_insert_per_second"])
    ));
    out.push_str(&format!(
        "| Ratio append / raw | {} |\n",
        f(&r["note_append_ratio"])
    ));
    out.push_str(&format!(
        "| Server peak RSS | {} MiB |\n",
        f(&r["server_peak_rss_mib"])
    ));
    out
}
