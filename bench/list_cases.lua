-- wrk script: GET /v1/cases?pageSize=50 as a supervisor (every case, identity
-- masked, so no identity read is audited); the token comes from the
-- environment (PETITION_BENCH_TOKEN).
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("PETITION_BENCH_TOKEN")

response = function(status, headers, body)
  if status ~= 200 then
    io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n")
  end
end
