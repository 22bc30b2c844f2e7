//! Phase timings for profiling a build: `ONAIR_TIMINGS=1 onair build` prints how long each
//! phase took to stderr. Off by default; costs one env lookup per build when off.

use std::sync::OnceLock;
use std::time::Instant;

/// Whether `ONAIR_TIMINGS` asks for timings (read once).
pub fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("ONAIR_TIMINGS").is_some_and(|v| v != "0"))
}

/// Marks the end of one phase after another.
pub struct Phases {
    last: Instant,
    last_cpu: f64,
}

impl Phases {
    pub fn start() -> Self {
        Phases {
            last: Instant::now(),
            last_cpu: cpu_seconds(),
        }
    }

    /// Prints the time since the previous mark (when timings are on), and the memory the
    /// process holds at the mark where the system says.
    pub fn mark(&mut self, phase: &str) {
        if enabled() {
            let now = Instant::now();
            let memory = resident_mb()
                .map(|mb| format!(" (resident {mb} MB)"))
                .unwrap_or_default();
            let cpu = cpu_seconds();
            eprintln!(
                "onair: timing: {phase}: {:.1} ms, {:.1} ms of CPU{memory}",
                (now - self.last).as_secs_f64() * 1000.0,
                (cpu - self.last_cpu) * 1000.0
            );
            self.last = now;
            self.last_cpu = cpu;
        }
    }
}

/// User and system CPU time of the whole process so far, in seconds (all threads): beside a
/// phase's wall time it shows how well the phase kept the cores busy.
fn cpu_seconds() -> f64 {
    // SAFETY: getrusage fills the struct we hand it and touches nothing else.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return 0.0;
    }
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}

/// The process's resident memory in MB, from /proc (Linux only).
fn resident_mb() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096 / 1_000_000)
}

/// Time spent in each named task (a template's pages, the search index's word extraction),
/// summed over the calls and threads (timings only): (name, unit, calls, total).
type TaskTotal = (String, &'static str, u32, std::time::Duration);
static TASKS: std::sync::Mutex<Vec<TaskTotal>> = std::sync::Mutex::new(Vec::new());

/// Runs `render` for a page of `template`, adding its time to the template's total when
/// timings are on.
pub fn template<T>(template: &str, render: impl FnOnce() -> T) -> T {
    task(template, "page(s)", render)
}

/// Runs `work`, one `unit` of the task `name`, adding its time to the task's total when
/// timings are on.
pub fn task<T>(name: &str, unit: &'static str, work: impl FnOnce() -> T) -> T {
    if !enabled() {
        return work();
    }
    let started = Instant::now();
    let out = work();
    let took = started.elapsed();
    let mut totals = TASKS.lock().expect("task timings");
    match totals.iter_mut().find(|(n, _, _, _)| n == name) {
        Some((_, _, calls, total)) => {
            *calls += 1;
            *total += took;
        }
        None => totals.push((name.to_string(), unit, 1, took)),
    }
    out
}

/// Prints and clears the per-task totals: each call's time summed over the threads (so more
/// than the wall time of a task run on every core); a template's time is its variables and
/// rendering.
pub fn print_tasks() {
    if !enabled() {
        return;
    }
    let mut totals = std::mem::take(&mut *TASKS.lock().expect("task timings"));
    totals.sort_by_key(|t| std::cmp::Reverse(t.3));
    for (name, unit, calls, total) in totals {
        eprintln!(
            "onair: timing:   {name}: {calls} {unit}, {:.1} ms (the calls' times, summed over threads)",
            total.as_secs_f64() * 1000.0
        );
    }
}
