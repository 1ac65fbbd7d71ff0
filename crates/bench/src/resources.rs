//! What the server uses while it answers: CPU time, and peak memory.

/// CPU time used so far by the server process and by the whole machine (in
/// clock ticks of 1/100 s, Linux's USER_HZ): throughput on a shared, noisy
/// machine swings by a fifth from run to run, CPU time per request much less,
/// so it is the figure to compare changes by. The machine's figure includes
/// the load generator and, on PostgreSQL, the database's own processes.
pub(crate) struct CpuTimes {
    pub(crate) server: u64,
    pub(crate) machine: u64,
}

impl CpuTimes {
    pub(crate) fn read(pid: u32) -> CpuTimes {
        let server = std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .ok()
            .and_then(|s| {
                // Fields after the command name (which may hold spaces): state
                // is field 3, utime 14 and stime 15.
                let rest = s.rsplit_once(')')?.1.to_owned();
                let f: Vec<u64> = rest
                    .split_whitespace()
                    .skip(11)
                    .take(2)
                    .filter_map(|x| x.parse().ok())
                    .collect();
                Some(f.iter().sum())
            })
            .unwrap_or(0);
        let machine = std::fs::read_to_string("/proc/stat")
            .ok()
            .and_then(|s| {
                let line = s.lines().find(|l| l.starts_with("cpu "))?.to_owned();
                let f: Vec<u64> = line
                    .split_whitespace()
                    .skip(1)
                    .filter_map(|x| x.parse().ok())
                    .collect();
                // user nice system idle iowait irq softirq steal: busy is all
                // but idle and iowait.
                let idle = f.get(3).copied().unwrap_or(0) + f.get(4).copied().unwrap_or(0);
                Some(f.iter().take(8).sum::<u64>() - idle)
            })
            .unwrap_or(0);
        CpuTimes { server, machine }
    }

    /// Microseconds of CPU per request since `self`, for the server and the machine.
    pub(crate) fn per_request(&self, pid: u32, requests: usize) -> (f64, f64) {
        let now = CpuTimes::read(pid);
        let per = |a: u64, b: u64| (b.saturating_sub(a) as f64) * 10_000.0 / requests.max(1) as f64;
        (per(self.server, now.server), per(self.machine, now.machine))
    }
}

pub(crate) fn peak_rss_mib(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}
