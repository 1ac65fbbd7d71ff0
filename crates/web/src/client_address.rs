//! The address a request came from, for the sign-in throttle and the log.
//!
//! Normally the peer of the TCP connection. Behind a reverse proxy (TLS in
//! front, as docs/SECURITY.md advises) every peer is the proxy, so the
//! throttle would count the whole organisation as one address; an operator
//! names the proxies in `trusted_proxies`, and for a request from one of
//! them the client is read from `X-Forwarded-For`: the rightmost address
//! that is not itself a trusted proxy. Addresses to its left were written
//! by the client and are not believed. A request from any other peer has
//! its `X-Forwarded-For` ignored, so nobody can choose their own address.

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::HeaderMap;

use crate::AppState;

/// The client's address, as text (`192.0.2.1`, `2001:db8::1`, or `unknown`
/// where the server was not given the connection's peer).
pub struct ClientAddress(pub String);

impl axum::extract::FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(ClientAddress(match peer {
            Some(peer) => {
                client_of(peer, &parts.headers, &state.settings.trusted_proxies).to_string()
            }
            None => "unknown".into(),
        }))
    }
}

/// The client behind `peer`: `peer` itself unless it is a trusted proxy,
/// else the rightmost untrusted address its `X-Forwarded-For` headers name
/// (the leftmost one given when all are trusted; `peer` when none parse).
pub fn client_of(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.contains(&canonical(*ip));
    if !is_trusted(&peer) {
        return peer;
    }
    // Several headers count as one list, in order (RFC 9110 5.3).
    let mut hops: Vec<IpAddr> = Vec::new();
    for value in headers.get_all("x-forwarded-for") {
        let Ok(value) = value.to_str() else {
            return peer;
        };
        for hop in value.split(',') {
            match parse_hop(hop.trim()) {
                Some(ip) => hops.push(canonical(ip)),
                // A hop we cannot read: what is left of it cannot be placed.
                None => hops.clear(),
            }
        }
    }
    let mut client = peer;
    for hop in hops.into_iter().rev() {
        client = hop;
        if !is_trusted(&hop) {
            break;
        }
    }
    client
}

/// One `X-Forwarded-For` entry: an address, perhaps with a port
/// (`192.0.2.1:4711`, `[2001:db8::1]:4711`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

/// An IPv4 address carried as IPv6 (`::ffff:192.0.2.1`) is the IPv4 one,
/// so one client is not two addresses to the throttle.
pub fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_says() {
        let h = forwarded(&["203.0.113.9"]);
        assert_eq!(client_of(ip("192.0.2.1"), &h, &[]), ip("192.0.2.1"));
        assert_eq!(
            client_of(ip("192.0.2.1"), &h, &[ip("10.0.0.1")]),
            ip("192.0.2.1")
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_client() {
        let proxy = ip("10.0.0.1");
        // The client wrote the first entry itself; the proxy appended the real one.
        let h = forwarded(&["198.51.100.1, 203.0.113.9"]);
        assert_eq!(client_of(proxy, &h, &[proxy]), ip("203.0.113.9"));
        // Two proxies in a chain, the same list split over two headers.
        let inner = ip("10.0.0.2");
        let h = forwarded(&["198.51.100.1, 203.0.113.9", "10.0.0.2"]);
        assert_eq!(client_of(proxy, &h, &[proxy, inner]), ip("203.0.113.9"));
        // With ports, and IPv6.
        let h = forwarded(&["[2001:db8::7]:4711"]);
        assert_eq!(client_of(proxy, &h, &[proxy]), ip("2001:db8::7"));
        let h = forwarded(&["203.0.113.9:4711"]);
        assert_eq!(client_of(proxy, &h, &[proxy]), ip("203.0.113.9"));
    }

    #[test]
    fn a_trusted_proxy_without_a_readable_header_is_the_client() {
        let proxy = ip("10.0.0.1");
        assert_eq!(client_of(proxy, &HeaderMap::new(), &[proxy]), proxy);
        let h = forwarded(&["not an address"]);
        assert_eq!(client_of(proxy, &h, &[proxy]), proxy);
        // Garbage right of a real address hides it: the hop cannot be placed.
        let h = forwarded(&["203.0.113.9, junk"]);
        assert_eq!(client_of(proxy, &h, &[proxy]), proxy);
    }

    #[test]
    fn ipv4_mapped_addresses_are_the_ipv4_ones() {
        let proxy = ip("10.0.0.1");
        assert_eq!(
            client_of(
                ip("::ffff:10.0.0.1"),
                &forwarded(&["::ffff:203.0.113.9"]),
                &[proxy]
            ),
            ip("203.0.113.9")
        );
    }
}
