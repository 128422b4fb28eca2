-- wrk script: POST /auth/anonymous with a distinct device id on every request, so each one
-- creates a new anonymous principal and session (the durable path, not an upsert hit).
--   wrk -t2 -c64 -d10s -s bench/wrk/anonymous.lua http://127.0.0.1:PORT -- RUN_ID [PROCESS]
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  -- args[2]: which of several wrk processes this is (bench/multinode.sh runs one per node).
  prefix = "bench-" .. (args[1] or tostring(os.time())) .. "-" .. (args[2] or "0") .. "-" .. tostring(tid) .. "-"
  counter = 0
end

function request()
  counter = counter + 1
  local body = '{"device_id":"' .. prefix .. counter .. '"}'
  return wrk.format("POST", "/auth/anonymous", { ["Content-Type"] = "application/json" }, body)
end
