//! Clients: their details, search, edits and the history of those edits.
//!
//! Not yet written here: forwarded to the dialect, which still holds its own copy.

use async_trait::async_trait;
use caseload_domain::ids::*;
use caseload_store::*;

use crate::{Dialect, SqlStore};

#[async_trait]
impl<D: Dialect> Clients for SqlStore<D> {
    async fn create_client(&self, new: &NewClient, ctx: &WriteCtx) -> Result<Client> {
        Clients::create_client(&self.dialect, new, ctx).await
    }

    async fn get_client(&self, id: &ClientId) -> Result<Client> {
        Clients::get_client(&self.dialect, id).await
    }

    async fn list_clients(&self, scope: &Scope, page: &Page) -> Result<Vec<Client>> {
        Clients::list_clients(&self.dialect, scope, page).await
    }

    async fn search_clients(
        &self,
        scope: &Scope,
        query: &ClientQuery,
    ) -> Result<Vec<ClientListing>> {
        Clients::search_clients(&self.dialect, scope, query).await
    }

    async fn update_client(
        &self,
        id: &ClientId,
        edit: &ClientEdit,
        ctx: &WriteCtx,
    ) -> Result<Client> {
        Clients::update_client(&self.dialect, id, edit, ctx).await
    }

    async fn client_history(&self, id: &ClientId) -> Result<Vec<ClientChange>> {
        Clients::client_history(&self.dialect, id).await
    }
}
