-- Shared by the wrk scripts (loaded with dofile from the repository root):
-- many principals in rotation and the count of unexpected answers.
--   PETITION_BENCH_TOKENS  a file of bearer tokens, one a line
local tokens = {}
for line in io.lines(os.getenv("PETITION_BENCH_TOKENS")) do tokens[#tokens + 1] = line end
local threads = 0
local errors = 0
counter = 0

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

-- The next principal's Authorization header value.
function next_authorization()
  counter = counter + 1
  return "Bearer " .. tokens[(counter + tid) % #tokens + 1]
end

response = function(status, headers, body)
  if status ~= 200 then
    errors = errors + 1
    if errors <= 3 then io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n") end
  end
end
