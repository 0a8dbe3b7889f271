-- wrk script: POST /v1/cases as many clerks, each registration with a
-- petitioner of its own (a valid resident id no earlier request used).
--   PETITION_BENCH_TOKENS     a file of bearer tokens, one a line: used in rotation
--   PETITION_BENCH_PATH       the path posted to (/v1/cases)
--   PETITION_BENCH_SALT       0-99, different for each wrk run on the same database
--   PETITION_BENCH_RESIDENT_ID  when set, every registration is this one person's
--                               (the frequent petitioner: repeat detection's worst case)
dofile("bench/principals.lua")
local salt = tonumber(os.getenv("PETITION_BENCH_SALT") or "0")
local fixed_id = os.getenv("PETITION_BENCH_RESIDENT_ID")
local path = os.getenv("PETITION_BENCH_PATH") or "/v1/cases"

-- GB 11643 / ISO 7064 MOD 11-2 (services/intake/domain/resident_id.cc).
local weights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
local check = "10X98765432"
function resident_id(body)
  local sum = 0
  for i = 1, 17 do sum = sum + (body:byte(i) - 48) * weights[i] end
  return body .. check:sub(sum % 11 + 1, sum % 11 + 1)
end

-- The n-th distinct person: a 3-digit sequence, a birth day in 1940-2013
-- (28 days a month, always a real date), then the region code.
function person(n)
  local seq = n % 1000
  local day = math.floor(n / 1000) % 24864
  local region = 110000 + math.floor(n / 24864000)
  local year = 1940 + math.floor(day / 336)
  local month = math.floor(day % 336 / 28) + 1
  local dom = day % 28 + 1
  return resident_id(string.format("%06d%04d%02d%02d%03d", region, year, month, dom, seq))
end

function request()
  local authorization = next_authorization()  -- counts the request too
  local id = fixed_id
  if id == nil then id = person((salt * 16 + tid) * 100000 + counter) end
  local body = '{"channel":"VISIT","category":"RIGHTS_INFRINGEMENT","subject":"宅基地纠纷",' ..
    '"content":"邻居占用宅基地，请求镇里协调处理。",' ..
    '"petitioners":[{"name":"张三","idNumber":"' .. id .. '","phone":"13800138000",' ..
    '"address":"长乐镇东村三组12号"}]}'
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/json",
    ["Authorization"] = authorization,
  }, body)
end
