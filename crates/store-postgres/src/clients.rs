//! Finding and editing clients: their search keys (kept with every write,
//! see migration 0015), the search itself, edits with their history.

use caseload_domain::clients::{prefix_end, search_words, sort_key};
use caseload_domain::ids::{CaseId, ClientId, UserId};
use caseload_store::*;
use sqlx::{QueryBuilder, Row};

use super::{Conn, Postgres, audit, client_row, db_err, one, pg_date, pg_ts, push_scope, s, ts};

/// Write a client's sort key and search words (after a create or rename).
pub(crate) async fn write_keys(conn: &mut Conn, id: &str, name: &str) -> Result<()> {
    sqlx::query("UPDATE clients SET sort_key = $1 WHERE id = $2")
        .bind(sort_key(name))
        .bind(id)
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    sqlx::query("DELETE FROM client_words WHERE client_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    let words = search_words(name);
    if !words.is_empty() {
        let mut q =
            QueryBuilder::<sqlx::Postgres>::new("INSERT INTO client_words (word, client_id) ");
        q.push_values(&words, |mut row, w| {
            row.push_bind(w.clone()).push_bind(id.to_owned());
        });
        q.build().execute(&mut *conn).await.map_err(db_err)?;
    }
    Ok(())
}

/// Key every client that has no key yet: those from before migration 0015,
/// a bulk load, or a rename made past the store.
pub(crate) async fn key_unkeyed(conn: &mut Conn) -> Result<usize> {
    let mut done = 0;
    let mut after = String::new();
    loop {
        // A range over the partial index `clients_unkeyed_idx`, never a scan.
        let rows = sqlx::query(
            "SELECT id, name FROM clients WHERE sort_key IS NULL AND id > $1 ORDER BY id LIMIT 500",
        )
        .bind(&after)
        .fetch_all(&mut *conn)
        .await
        .map_err(db_err)?;
        let Some(last) = rows.last() else {
            return Ok(done);
        };
        after = s(last, "id")?;
        for r in &rows {
            write_keys(conn, &s(r, "id")?, &s(r, "name")?).await?;
        }
        done += rows.len();
    }
}

pub(crate) async fn search(
    store: &Postgres,
    scope: &Scope,
    query: &ClientQuery,
) -> Result<Vec<ClientListing>> {
    let mut q = QueryBuilder::<sqlx::Postgres>::new("SELECT c.* FROM clients c WHERE 1 = 1");
    push_scope(&mut q, "c.", scope, Some("created_by"));
    for word in &query.words {
        q.push(" AND c.id IN (SELECT client_id FROM client_words WHERE word >= ")
            .push_bind(word.clone())
            .push(" AND word < ")
            .push_bind(prefix_end(word))
            .push(")");
    }
    if let Some(dob) = query.date_of_birth {
        q.push(" AND c.date_of_birth = ").push_bind(pg_date(dob));
    }
    if let Some(after) = &query.after {
        q.push(" AND (c.sort_key, c.id) > (SELECT sort_key, id FROM clients WHERE id = ")
            .push_bind(after.to_string())
            .push(")");
    }
    q.push(" ORDER BY c.sort_key, c.id LIMIT ")
        .push_bind(i64::from(query.limit));
    let rows = q.build().fetch_all(&store.reader).await.map_err(db_err)?;
    let clients = rows.iter().map(client_row).collect::<Result<Vec<_>>>()?;
    if clients.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = QueryBuilder::<sqlx::Postgres>::new(
        "SELECT c.id, c.client_id, c.title, c.status FROM cases c WHERE c.client_id IN (",
    );
    let mut list = q.separated(", ");
    for c in &clients {
        list.push_bind(c.id.to_string());
    }
    q.push(") AND c.status IN ('referral', 'open', 'on_hold')");
    push_scope(&mut q, "c.", scope, Some("owner_id"));
    q.push(" ORDER BY c.id");
    let rows = q.build().fetch_all(&store.reader).await.map_err(db_err)?;
    let mut listings: Vec<ClientListing> = clients
        .into_iter()
        .map(|client| ClientListing {
            client,
            open_cases: Vec::new(),
        })
        .collect();
    for r in &rows {
        let client_id = s(r, "client_id")?;
        let status = caseload_store::decode::vocab(
            &s(r, "status")?,
            caseload_domain::cases::CaseStatus::parse,
            "case status",
        )?;
        if let Some(l) = listings
            .iter_mut()
            .find(|l| l.client.id.as_str() == client_id)
        {
            l.open_cases.push(CaseBrief {
                id: CaseId::from_trusted(s(r, "id")?),
                title: s(r, "title")?,
                status,
            });
        }
    }
    Ok(listings)
}

pub(crate) async fn update(
    store: &Postgres,
    id: &ClientId,
    edit: &ClientEdit,
    ctx: &WriteCtx,
) -> Result<Client> {
    let mut tx = store.begin().await?;
    let row = sqlx::query("SELECT * FROM clients WHERE id = $1 FOR UPDATE")
        .bind(id.as_str())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?;
    let old = one(row, "client", client_row)?;
    let new = edit.apply(&old);
    let changes = client_diff(&old, &new);
    if changes.is_empty() {
        return Ok(old);
    }
    sqlx::query(
        "UPDATE clients SET date_of_birth = $1, phone = $2, email = $3, address = $4, \
         contact_phone = $5, contact_text = $6, contact_email = $7, contact_letter = $8, \
         contact_in_person = $9, contact_times = $10, safe_address = $11, interpreter = $12, \
         interpreter_language = $13, adjustments = $14 WHERE id = $15",
    )
    .bind(new.date_of_birth.and_then(pg_date))
    .bind(&new.phone)
    .bind(&new.email)
    .bind(&new.address)
    .bind(new.contact.phone)
    .bind(new.contact.text)
    .bind(new.contact.email)
    .bind(new.contact.letter)
    .bind(new.contact.in_person)
    .bind(&new.contact.times)
    .bind(&new.contact.safe_address)
    .bind(new.access_needs.interpreter)
    .bind(&new.access_needs.interpreter_language)
    .bind(&new.access_needs.adjustments)
    .bind(id.as_str())
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    if old.name != new.name {
        // The name with its key in one statement; migration 0013's trigger
        // copies it to the client's cases (moving their revisions).
        sqlx::query("UPDATE clients SET name = $1, sort_key = $2 WHERE id = $3")
            .bind(&new.name)
            .bind(sort_key(&new.name))
            .bind(id.as_str())
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        write_keys(&mut tx, id.as_str(), &new.name).await?;
    }
    let mut q = QueryBuilder::<sqlx::Postgres>::new(
        "INSERT INTO client_changes (client_id, at, actor_id, request_id, field, old_value, new_value) ",
    );
    q.push_values(&changes, |mut row, (field, old_value, new_value)| {
        row.push_bind(id.to_string())
            .push_bind(pg_ts(ctx.at))
            .push_bind(ctx.actor.to_string())
            .push_bind(ctx.request_id.clone())
            .push_bind(*field)
            .push_bind(old_value.clone())
            .push_bind(new_value.clone());
    });
    q.build().execute(&mut *tx).await.map_err(db_err)?;
    audit(&mut tx, ctx, "client.update", "client", id.as_str()).await?;
    tx.commit().await.map_err(db_err)?;
    Ok(new)
}

pub(crate) async fn history(store: &Postgres, id: &ClientId) -> Result<Vec<ClientChange>> {
    let rows = sqlx::query(
        "SELECT h.at, h.actor_id, u.name AS actor_name, h.field, h.old_value, h.new_value \
         FROM client_changes h JOIN users u ON u.id = h.actor_id WHERE h.client_id = $1 ORDER BY h.id",
    )
    .bind(id.as_str())
    .fetch_all(&store.reader)
    .await
    .map_err(db_err)?;
    rows.iter()
        .map(|r| {
            Ok(ClientChange {
                at: ts(r, "at")?,
                actor_id: UserId::from_trusted(s(r, "actor_id")?),
                actor_name: s(r, "actor_name")?,
                field: s(r, "field")?,
                old_value: r.try_get("old_value").map_err(StoreError::other)?,
                new_value: r.try_get("new_value").map_err(StoreError::other)?,
            })
        })
        .collect()
}
