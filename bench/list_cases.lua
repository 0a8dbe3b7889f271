-- wrk script: GET /v1/cases?pageSize=50 as many supervisors in rotation
-- (every case, identity masked, so no identity read is audited).
--   PETITION_BENCH_TOKENS  a file of bearer tokens, one a line
dofile("bench/principals.lua")

function request()
  return wrk.format("GET", nil, {
    ["Authorization"] = next_authorization(),
  })
end
