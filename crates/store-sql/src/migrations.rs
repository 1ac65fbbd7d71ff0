//! The migrations each dialect embeds in the binary (its own files), as sqlx
//! runs them: `caseload init` and `serve` apply whichever have not run yet.

/// Version, description and SQL of each migration, in order.
#[derive(Debug, Clone, Copy)]
pub struct Migrations(pub &'static [(i64, &'static str, &'static str)]);

impl Migrations {
    /// What is wrong with a dialect's `migrations/` folder against this list
    /// (a file no line names would never run; versions must count up from
    /// 1): empty when nothing is. Each dialect's tests call it.
    pub fn check_folder(&self, folder: &std::path::Path) -> Vec<String> {
        let mut problems = Vec::new();
        let files = std::fs::read_dir(folder)
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .filter(|e| e.path().extension().is_some_and(|x| x == "sql"))
                    .count()
            })
            .unwrap_or(0);
        if files != self.0.len() {
            problems.push(format!(
                "{} holds {files} .sql files but migrations! lists {}",
                folder.display(),
                self.0.len()
            ));
        }
        for (i, (version, _, _)) in self.0.iter().enumerate() {
            if *version != i as i64 + 1 {
                problems.push(format!("migration {} is numbered {version}", i + 1));
            }
        }
        problems
    }
}

impl sqlx::migrate::MigrationSource<'static> for Migrations {
    fn resolve(
        self,
    ) -> std::pin::Pin<
        Box<
            dyn std::future::Future<
                    Output = Result<Vec<sqlx::migrate::Migration>, sqlx::error::BoxDynError>,
                > + Send,
        >,
    > {
        Box::pin(async move {
            Ok(self
                .0
                .iter()
                .map(|(version, description, sql)| {
                    sqlx::migrate::Migration::new(
                        *version,
                        (*description).into(),
                        sqlx::migrate::MigrationType::Simple,
                        (*sql).into(),
                        false,
                    )
                })
                .collect())
        })
    }
}

/// The migrations, in order, for the dialect crate that invokes it: each
/// dialect keeps its own SQL in a file of the same name under its
/// `migrations/` folder (read at compile time from the invoking crate's
/// folder), so a new migration is one line here and one file per database.
/// `caseload init` and `serve` apply whichever have not run yet.
#[macro_export]
macro_rules! migrations {
    () => {
        $crate::migrations!(@list
            (1, "case records", "0001_case_records.sql"),
            (2, "sessions", "0002_sessions.sql"),
            (3, "deadlines", "0003_deadlines.sql"),
            (4, "calendars", "0004_calendars.sql"),
            (5, "priorities", "0005_priorities.sql"),
            (6, "calendar feeds", "0006_calendar_feeds.sql"),
            (7, "timescales", "0007_timescales.sql"),
            (8, "case activity", "0008_case_activity.sql"),
            (9, "client scope", "0009_client_scope.sql"),
            (10, "settings generation", "0010_settings_generation.sql"),
            (11, "audit event keys", "0011_audit_event_keys.sql"),
            (12, "case summary", "0012_case_summary.sql"),
            (13, "case client name", "0013_case_client_name.sql"),
            (14, "case revision", "0014_case_revision.sql"),
            (15, "client details", "0015_client_details.sql"),
            (16, "notification inbox", "0016_notification_inbox.sql"),
            (17, "amendments and cancellations", "0017_amendments_and_cancellations.sql"),
            (18, "sign-in attempts", "0018_sign_in_attempts.sql"),
            (19, "api token details", "0019_api_token_details.sql"),
            (20, "readiness", "0020_readiness.sql"),
        )
    };
    (@list $(($version:literal, $description:literal, $file:literal),)*) => {
        $crate::Migrations(&[$((
            $version,
            $description,
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/", $file)),
        )),*])
    };
}
