-- wrk script: POST /v1/cases with a fixed visit; the token comes from the
-- environment (PETITION_BENCH_TOKEN).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("PETITION_BENCH_TOKEN")
wrk.body = [[{"channel":"VISIT","category":"RIGHTS_INFRINGEMENT","subject":"宅基地纠纷",
"content":"邻居占用宅基地，请求镇里协调处理。",
"petitioners":[{"name":"张三","idNumber":"11010519491231002X","phone":"13800138000",
"address":"长乐镇东村三组12号"}]}]]

response = function(status, headers, body)
  if status ~= 200 then
    io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n")
  end
end
