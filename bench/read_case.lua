-- wrk script: GET /v1/cases/{caseId} over the cases of a file, by many
-- principals in rotation. With supervisors' tokens the identity is masked;
-- with clerks' it is shown (and each read writes its audit row).
--   PETITION_BENCH_TOKENS  a file of bearer tokens, one a line
--   PETITION_BENCH_CASES   a file of case ids, one a line
--   PETITION_BENCH_PATH    the path before the id (/v1/cases/)
local tokens = {}
for line in io.lines(os.getenv("PETITION_BENCH_TOKENS")) do tokens[#tokens + 1] = line end
local cases = {}
for line in io.lines(os.getenv("PETITION_BENCH_CASES")) do cases[#cases + 1] = line end
local path = os.getenv("PETITION_BENCH_PATH") or "/v1/cases/"
local threads = 0
local counter = 0
local errors = 0

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

function init(args)
  math.randomseed(os.time() + tid * 7919)
end

function request()
  counter = counter + 1
  return wrk.format("GET", path .. cases[math.random(#cases)], {
    ["Authorization"] = "Bearer " .. tokens[(counter + tid) % #tokens + 1],
  })
end

response = function(status, headers, body)
  if status ~= 200 then
    errors = errors + 1
    if errors <= 3 then io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n") end
  end
end
