//! Clients: their details, search (by the search keys kept with every write,
//! see migration 0015), edits and the history of those edits.

use async_trait::async_trait;
use caseload_domain::clients::{prefix_end, search_words, sort_key};
use caseload_domain::ids::*;
use caseload_store::*;
use tracing::instrument;

use crate::audit::audit;
use crate::{Dialect, Sql, SqlRow, SqlStore, Statement, one, push_scope, values};

#[async_trait]
impl<D: Dialect> Clients for SqlStore<D> {
    #[instrument(skip_all)]
    async fn create_client(&self, new: &NewClient, ctx: &WriteCtx) -> Result<Client> {
        let client = Client {
            id: new_id(ClientId::from_parts, ctx.at),
            name: new.name.clone(),
            date_of_birth: new.date_of_birth,
            phone: new.phone.clone(),
            email: new.email.clone(),
            address: new.address.clone(),
            team_id: new.team_id.clone(),
            created_by: ctx.actor.clone(),
            created_at: ctx.at,
            contact: new.contact.clone(),
            access_needs: new.access_needs.clone(),
        };
        let mut tx = self.dialect.begin().await?;
        D::query(
            "INSERT INTO clients (id, name, date_of_birth, phone, email, address, team_id, created_by, created_at, \
             contact_phone, contact_text, contact_email, contact_letter, contact_in_person, contact_times, \
             safe_address, interpreter, interpreter_language, adjustments) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
        )
        .bind_str(client.id.as_str())
        .bind_str(&client.name)
        .bind_opt_date(client.date_of_birth)
        .bind_opt_str(client.phone.as_deref())
        .bind_opt_str(client.email.as_deref())
        .bind_opt_str(client.address.as_deref())
        .bind_str(client.team_id.as_str())
        .bind_str(client.created_by.as_str())
        .bind_ts(ctx.at)
        .bind_opt_bool(client.contact.phone)
        .bind_opt_bool(client.contact.text)
        .bind_opt_bool(client.contact.email)
        .bind_opt_bool(client.contact.letter)
        .bind_opt_bool(client.contact.in_person)
        .bind_opt_str(client.contact.times.as_deref())
        .bind_opt_str(client.contact.safe_address.as_deref())
        .bind_bool(client.access_needs.interpreter)
        .bind_opt_str(client.access_needs.interpreter_language.as_deref())
        .bind_opt_str(client.access_needs.adjustments.as_deref())
        .execute_in(&mut tx)
        .await?;
        write_keys::<D>(&mut tx, client.id.as_str(), &client.name).await?;
        audit::<D>(&mut tx, ctx, "client.create", "client", client.id.as_str()).await?;
        D::commit(tx).await?;
        Ok(client)
    }

    #[instrument(skip_all)]
    async fn get_client(&self, id: &ClientId) -> Result<Client> {
        let row = D::query("SELECT * FROM clients WHERE id = $1")
            .bind_str(id.as_str())
            .fetch_optional(self.reader())
            .await?;
        one(row, "client", client_row)
    }

    #[instrument(skip_all)]
    async fn list_clients(&self, scope: &Scope, page: &Page) -> Result<Vec<Client>> {
        let mut q = Sql::new("SELECT * FROM clients WHERE 1 = 1");
        push_scope(&mut q, "", scope, Some("created_by"));
        if let Some(after) = &page.after {
            q.push(" AND id > ").push_str(after);
        }
        q.push(" ORDER BY id LIMIT ")
            .push_i64(i64::from(page.limit));
        let rows = q.query::<D>().fetch_all(self.reader()).await?;
        rows.iter().map(client_row).collect()
    }

    #[instrument(skip_all)]
    async fn search_clients(
        &self,
        scope: &Scope,
        query: &ClientQuery,
    ) -> Result<Vec<ClientListing>> {
        search(self, scope, query).await
    }

    #[instrument(skip_all)]
    async fn update_client(
        &self,
        id: &ClientId,
        edit: &ClientEdit,
        ctx: &WriteCtx,
    ) -> Result<Client> {
        update(self, id, edit, ctx).await
    }

    #[instrument(skip_all)]
    async fn client_history(&self, id: &ClientId) -> Result<Vec<ClientChange>> {
        history(self, id).await
    }
}

pub(crate) fn client_row(r: &impl SqlRow) -> Result<Client> {
    Ok(Client {
        id: ClientId::from_trusted(r.string("id")?),
        name: r.string("name")?,
        date_of_birth: r.opt_date("date_of_birth")?,
        phone: r.opt_string("phone")?,
        email: r.opt_string("email")?,
        address: r.opt_string("address")?,
        team_id: TeamId::from_trusted(r.string("team_id")?),
        created_by: UserId::from_trusted(r.string("created_by")?),
        created_at: r.ts("created_at")?,
        contact: caseload_domain::clients::ContactPreferences {
            phone: r.opt_bool("contact_phone")?,
            text: r.opt_bool("contact_text")?,
            email: r.opt_bool("contact_email")?,
            letter: r.opt_bool("contact_letter")?,
            in_person: r.opt_bool("contact_in_person")?,
            times: r.opt_string("contact_times")?,
            safe_address: r.opt_string("safe_address")?,
        },
        access_needs: caseload_domain::clients::AccessNeeds {
            interpreter: r.bool("interpreter")?,
            interpreter_language: r.opt_string("interpreter_language")?,
            adjustments: r.opt_string("adjustments")?,
        },
    })
}

/// Write a client's sort key and search words (after a create or rename).
pub(crate) async fn write_keys<D: Dialect>(conn: &mut D::Conn, id: &str, name: &str) -> Result<()> {
    D::query("UPDATE clients SET sort_key = $1 WHERE id = $2")
        .bind_string(sort_key(name))
        .bind_str(id)
        .execute_in(&mut *conn)
        .await?;
    D::query("DELETE FROM client_words WHERE client_id = $1")
        .bind_str(id)
        .execute_in(&mut *conn)
        .await?;
    let words = search_words(name);
    if !words.is_empty() {
        let sql = format!(
            "INSERT INTO client_words (word, client_id){}",
            values::<D>(words.len(), 2)
        );
        let mut q = D::query(&sql);
        for w in &words {
            q = q.bind_str(w).bind_str(id);
        }
        q.execute_in(&mut *conn).await?;
    }
    Ok(())
}

/// Key every client that has no key yet: those from before migration 0015,
/// a bulk load, or a rename made past the store.
pub async fn key_unkeyed<D: Dialect>(conn: &mut D::Conn) -> Result<usize> {
    let mut done = 0;
    let mut after = String::new();
    loop {
        // A range over the partial index `clients_unkeyed_idx`, never a scan.
        let rows = D::query(
            "SELECT id, name FROM clients WHERE sort_key IS NULL AND id > $1 ORDER BY id LIMIT 500",
        )
        .bind_str(&after)
        .fetch_all_in(&mut *conn)
        .await?;
        let Some(last) = rows.last() else {
            return Ok(done);
        };
        after = last.string("id")?;
        for r in &rows {
            write_keys::<D>(conn, &r.string("id")?, &r.string("name")?).await?;
        }
        done += rows.len();
    }
}

async fn search<D: Dialect>(
    store: &SqlStore<D>,
    scope: &Scope,
    query: &ClientQuery,
) -> Result<Vec<ClientListing>> {
    let mut q = Sql::new("SELECT c.* FROM clients c WHERE 1 = 1");
    push_scope(&mut q, "c.", scope, Some("created_by"));
    for word in &query.words {
        q.push(" AND c.id IN (SELECT client_id FROM client_words WHERE word >= ")
            .push_str(word)
            .push(" AND word < ")
            .push_string(prefix_end(word))
            .push(")");
    }
    if let Some(dob) = query.date_of_birth {
        q.push(" AND c.date_of_birth = ").push_date(dob);
    }
    if let Some(after) = &query.after {
        q.push(" AND (c.sort_key, c.id) > (SELECT sort_key, id FROM clients WHERE id = ")
            .push_str(after.as_str())
            .push(")");
    }
    q.push(" ORDER BY c.sort_key, c.id LIMIT ")
        .push_i64(i64::from(query.limit));
    let rows = q.query::<D>().fetch_all(store.reader()).await?;
    let clients = rows.iter().map(client_row).collect::<Result<Vec<_>>>()?;
    if clients.is_empty() {
        return Ok(Vec::new());
    }
    let mut q =
        Sql::new("SELECT c.id, c.client_id, c.title, c.status FROM cases c WHERE c.client_id IN (");
    for (i, c) in clients.iter().enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.push_str(c.id.as_str());
    }
    q.push(") AND c.status IN ('referral', 'open', 'on_hold')");
    push_scope(&mut q, "c.", scope, Some("owner_id"));
    q.push(" ORDER BY c.id");
    let rows = q.query::<D>().fetch_all(store.reader()).await?;
    let mut listings: Vec<ClientListing> = clients
        .into_iter()
        .map(|client| ClientListing {
            client,
            open_cases: Vec::new(),
        })
        .collect();
    for r in &rows {
        let client_id = r.string("client_id")?;
        let status = caseload_store::decode::vocab(
            &r.string("status")?,
            caseload_domain::cases::CaseStatus::parse,
            "case status",
        )?;
        if let Some(l) = listings
            .iter_mut()
            .find(|l| l.client.id.as_str() == client_id)
        {
            l.open_cases.push(CaseBrief {
                id: CaseId::from_trusted(r.string("id")?),
                title: r.string("title")?,
                status,
            });
        }
    }
    Ok(listings)
}

async fn update<D: Dialect>(
    store: &SqlStore<D>,
    id: &ClientId,
    edit: &ClientEdit,
    ctx: &WriteCtx,
) -> Result<Client> {
    let mut tx = store.dialect.begin().await?;
    let row = D::query(&format!(
        "SELECT * FROM clients WHERE id = $1{}",
        D::FOR_UPDATE
    ))
    .bind_str(id.as_str())
    .fetch_optional_in(&mut tx)
    .await?;
    let old = one(row, "client", client_row)?;
    let new = edit.apply(&old);
    let changes = client_diff(&old, &new);
    if changes.is_empty() {
        return Ok(old);
    }
    D::query(
        "UPDATE clients SET date_of_birth = $1, phone = $2, email = $3, address = $4, \
         contact_phone = $5, contact_text = $6, contact_email = $7, contact_letter = $8, \
         contact_in_person = $9, contact_times = $10, safe_address = $11, interpreter = $12, \
         interpreter_language = $13, adjustments = $14 WHERE id = $15",
    )
    .bind_opt_date(new.date_of_birth)
    .bind_opt_str(new.phone.as_deref())
    .bind_opt_str(new.email.as_deref())
    .bind_opt_str(new.address.as_deref())
    .bind_opt_bool(new.contact.phone)
    .bind_opt_bool(new.contact.text)
    .bind_opt_bool(new.contact.email)
    .bind_opt_bool(new.contact.letter)
    .bind_opt_bool(new.contact.in_person)
    .bind_opt_str(new.contact.times.as_deref())
    .bind_opt_str(new.contact.safe_address.as_deref())
    .bind_bool(new.access_needs.interpreter)
    .bind_opt_str(new.access_needs.interpreter_language.as_deref())
    .bind_opt_str(new.access_needs.adjustments.as_deref())
    .bind_str(id.as_str())
    .execute_in(&mut tx)
    .await?;
    if old.name != new.name {
        // The name with its key in one statement; migration 0013's trigger
        // copies it to the client's cases (moving their revisions).
        D::query("UPDATE clients SET name = $1, sort_key = $2 WHERE id = $3")
            .bind_str(&new.name)
            .bind_string(sort_key(&new.name))
            .bind_str(id.as_str())
            .execute_in(&mut tx)
            .await?;
        write_keys::<D>(&mut tx, id.as_str(), &new.name).await?;
    }
    let sql = format!(
        "INSERT INTO client_changes (client_id, at, actor_id, request_id, field, old_value, new_value){}",
        values::<D>(changes.len(), 7)
    );
    let mut q = D::query(&sql);
    for (field, old_value, new_value) in &changes {
        q = q
            .bind_str(id.as_str())
            .bind_ts(ctx.at)
            .bind_str(ctx.actor.as_str())
            .bind_str(&ctx.request_id)
            .bind_str(field)
            .bind_opt_str(old_value.as_deref())
            .bind_opt_str(new_value.as_deref());
    }
    q.execute_in(&mut tx).await?;
    audit::<D>(&mut tx, ctx, "client.update", "client", id.as_str()).await?;
    D::commit(tx).await?;
    Ok(new)
}

async fn history<D: Dialect>(store: &SqlStore<D>, id: &ClientId) -> Result<Vec<ClientChange>> {
    let rows = D::query(
        "SELECT h.at, h.actor_id, u.name AS actor_name, h.field, h.old_value, h.new_value \
         FROM client_changes h JOIN users u ON u.id = h.actor_id WHERE h.client_id = $1 ORDER BY h.id",
    )
    .bind_str(id.as_str())
    .fetch_all(store.reader())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ClientChange {
                at: r.ts("at")?,
                actor_id: UserId::from_trusted(r.string("actor_id")?),
                actor_name: r.string("actor_name")?,
                field: r.string("field")?,
                old_value: r.opt_string("old_value")?,
                new_value: r.opt_string("new_value")?,
            })
        })
        .collect()
}
