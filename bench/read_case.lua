-- wrk script: GET /v1/cases/{caseId} over the cases of a file, by many
-- principals in rotation. With supervisors' tokens the identity is masked;
-- with clerks' it is shown (and each read writes its audit row).
--   PETITION_BENCH_TOKENS  a file of bearer tokens, one a line
--   PETITION_BENCH_CASES   a file of case ids, one a line
--   PETITION_BENCH_PATH    the path before the id (/v1/cases/)
dofile("bench/principals.lua")
local cases = {}
for line in io.lines(os.getenv("PETITION_BENCH_CASES")) do cases[#cases + 1] = line end
local path = os.getenv("PETITION_BENCH_PATH") or "/v1/cases/"

function init(args)
  math.randomseed(os.time() + tid * 7919)
end

function request()
  return wrk.format("GET", path .. cases[math.random(#cases)], {
    ["Authorization"] = next_authorization(),
  })
end
