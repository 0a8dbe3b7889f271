-- wrk script: GET /v1/cases?pageSize=50 as many supervisors in rotation
-- (every case, identity masked, so no identity read is audited).
--   PETITION_BENCH_TOKENS  a file of bearer tokens, one a line
local tokens = {}
for line in io.lines(os.getenv("PETITION_BENCH_TOKENS")) do tokens[#tokens + 1] = line end
local threads = 0
local counter = 0
local errors = 0

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

function request()
  counter = counter + 1
  return wrk.format("GET", nil, {
    ["Authorization"] = "Bearer " .. tokens[(counter + tid) % #tokens + 1],
  })
end

response = function(status, headers, body)
  if status ~= 200 then
    errors = errors + 1
    if errors <= 3 then io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n") end
  end
end
