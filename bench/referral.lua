-- wrk script: arrest diversions with unique identifiers, tokens from the environment.
-- thread_id is a global on purpose: thread:set() sets a global in each thread's state, and a
-- local here would shadow it (every thread was 0, so each id was sent once per thread and
-- half the requests were replays).
local counter = 0
thread_id = 0
local token = os.getenv("BENCH_TOKEN")
local run = os.getenv("BENCH_RUN") or "r"

function setup(thread)
  thread_id = thread_id + 1
  thread:set("thread_id", thread_id)
end

function request()
  counter = counter + 1
  local id = run .. "-" .. thread_id .. "-" .. counter
  local body = '{"door":"arrest_diversion","person":{"given_name":"Bench","family_name":"Person",'
    .. '"identifiers":[{"system":"bench","value":"' .. id .. '"}]},'
    .. '"referred_at":"2026-11-24T09:00:00Z",'
    .. '"demographics":{"race":["Black"],"ethnicity":"not_hispanic","gender":"woman"},'
    .. '"arrest":{"charges":[{"code":"69.50.4013","description":"possession"}],'
    .. '"location":{"description":"3rd Ave and Pine St","latitude":47.61,"longitude":-122.34},'
    .. '"released_at":"2026-11-24T09:30:00Z"}}'
  local headers = {}
  headers["Content-Type"] = "application/json"
  headers["Authorization"] = "Bearer " .. token
  headers["X-Actor"] = "badge-" .. thread_id
  headers["Idempotency-Key"] = id
  return wrk.format("POST", "/v1/referrals", headers, body)
end
