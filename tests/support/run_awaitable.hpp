#pragma once
// Runs one coroutine to completion on a fresh io_context and hands back its result (or rethrows
// what it threw), for unit tests of awaitable interfaces.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

namespace gatehouse::testing {

template <typename T>
T run_awaitable(boost::asio::awaitable<T> work) {
  boost::asio::io_context io;
  std::exception_ptr error;
  if constexpr (std::is_void_v<T>) {
    boost::asio::co_spawn(io, std::move(work), [&](std::exception_ptr e) { error = e; });
    io.run();
    if (error) std::rethrow_exception(error);
  } else {
    std::optional<T> result;
    boost::asio::co_spawn(io, std::move(work), [&](std::exception_ptr e, T value) {
      error = e;
      if (!e) result.emplace(std::move(value));
    });
    io.run();
    if (error) std::rethrow_exception(error);
    return std::move(*result);
  }
}

}  // namespace gatehouse::testing
