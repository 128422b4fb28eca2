-- wrk script: POST /auth/session (Clerk JWT exchange), cycling through a pool of JWTs minted
-- beforehand with gatehouse-dev-issuer (one per line in FILE). The server keeps no cache of
-- verified JWTs, so every request is a full RS256 verification plus a durable session insert.
--   wrk -t2 -c64 -d10s -s bench/wrk/session.lua http://127.0.0.1:PORT -- FILE [PROCESS]
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  tokens = {}
  for line in io.lines(args[1]) do
    if #line > 0 then table.insert(tokens, line) end
  end
  if #tokens == 0 then error("no JWTs in " .. tostring(args[1])) end
  -- Threads (and, with args[2], several wrk processes) start at different places in the pool.
  index = ((tonumber(args[2] or "0") * 104729) + tid * 7919) % #tokens
end

function request()
  index = index % #tokens + 1
  return wrk.format("POST", "/auth/session", { ["Authorization"] = "Bearer " .. tokens[index] }, "")
end
