// Stream tickets: single-use, 30 seconds, bound to the session they were issued for.
#include "gatehouse/auth/opaque_token.hpp"
#include "gatehouse/auth/stream_tickets.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using gatehouse::auth::mint_opaque_token;
using gatehouse::auth::session_token_prefix;
using gatehouse::auth::stream_ticket_prefix;
using gatehouse::auth::StreamTickets;

TEST(StreamTickets, ATicketLooksLikeAStreamTicket) {
  StreamTickets tickets;
  std::string const ticket = tickets.issue("s1", 1000);
  EXPECT_TRUE(gatehouse::auth::has_opaque_token_shape(ticket, stream_ticket_prefix)) << ticket;
  EXPECT_NE(tickets.issue("s1", 1000), ticket);
}

TEST(StreamTickets, ATicketRedeemsToTheSessionItWasIssuedFor) {
  StreamTickets tickets;
  std::string const t1 = tickets.issue("s1", 1000);
  std::string const t2 = tickets.issue("s2", 1000);
  EXPECT_EQ(tickets.redeem(t2, 1001), "s2");
  EXPECT_EQ(tickets.redeem(t1, 1001), "s1");
}

TEST(StreamTickets, ATicketIsSingleUse) {
  StreamTickets tickets;
  std::string const ticket = tickets.issue("s1", 1000);
  EXPECT_EQ(tickets.redeem(ticket, 1000), "s1");
  EXPECT_EQ(tickets.redeem(ticket, 1000), std::nullopt);
}

TEST(StreamTickets, ATicketExpiresAfterThirtySeconds) {
  StreamTickets tickets;
  EXPECT_EQ(StreamTickets::ttl, 30);
  std::string const last_second = tickets.issue("s1", 1000);
  std::string const expired = tickets.issue("s1", 1000);
  EXPECT_EQ(tickets.redeem(last_second, 1029), "s1");
  EXPECT_EQ(tickets.redeem(expired, 1030), std::nullopt);
}

TEST(StreamTickets, AnExpiredTicketIsConsumedByTheAttempt) {
  StreamTickets tickets;
  std::string const ticket = tickets.issue("s1", 1000);
  EXPECT_EQ(tickets.redeem(ticket, 1031), std::nullopt);
  // Even a clock that steps back does not revive it.
  EXPECT_EQ(tickets.redeem(ticket, 1001), std::nullopt);
}

TEST(StreamTickets, UnknownAndMalformedTicketsRedeemToNothing) {
  StreamTickets tickets;
  tickets.issue("s1", 1000);
  EXPECT_EQ(tickets.redeem(mint_opaque_token(stream_ticket_prefix).text, 1000), std::nullopt);
  EXPECT_EQ(tickets.redeem("", 1000), std::nullopt);
  EXPECT_EQ(tickets.redeem("gt_nope", 1000), std::nullopt);
}

TEST(StreamTickets, ASessionTokenIsNotATicket) {
  StreamTickets tickets;
  std::string const ticket = tickets.issue("s1", 1000);
  std::string as_session_token = std::string(session_token_prefix) + ticket.substr(stream_ticket_prefix.size());
  EXPECT_EQ(tickets.redeem(as_session_token, 1000), std::nullopt);
  EXPECT_EQ(tickets.redeem(ticket, 1000), "s1");
}

TEST(StreamTickets, PurgeForgetsExpiredTicketsOnly) {
  StreamTickets tickets;
  std::string const old_ticket = tickets.issue("s1", 1000);
  std::string const new_ticket = tickets.issue("s2", 1020);
  tickets.purge_expired(1030);
  // Asked about an earlier moment, a purged ticket is still gone; a live one is not.
  EXPECT_EQ(tickets.redeem(old_ticket, 1010), std::nullopt);
  EXPECT_EQ(tickets.redeem(new_ticket, 1030), "s2");
}

}  // namespace
