// The ctest config.k8s: renders deploy/k8s (the kustomization), validates every object against
// the Kubernetes API schemas (kubernetes-models, whose validators are generated from the API's
// OpenAPI document), checks what the issue asks of the deployment (replicas, probes, resources,
// disruption budgets, the gateway's autoscaler, network policies, the migration Job), and checks
// every PETITION_* variable and --flag it names against the binaries (--helpfull) and against
// docker-compose.yml.
//   node tests/deploy/k8s_check.mjs <source dir> <build dir>
// The packages come from package.json at the root (./dev runs npm ci; nothing is fetched here).
import { execFileSync } from "node:child_process";
import { readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { parseAllDocuments, parse } from "yaml";

const [sourceDir, buildDir] = process.argv.slice(2);
if (!sourceDir || !buildDir) {
  console.error("usage: node k8s_check.mjs <source dir> <build dir>");
  process.exit(2);
}
const k8sDir = path.join(sourceDir, "deploy/k8s");
const problems = [];
const problem = (where, what) => problems.push(`${where}: ${what}`);

// --- render ------------------------------------------------------------------------------------
// What `kubectl kustomize` does with the fields this kustomization uses (resources, namespace);
// any other field is refused here rather than silently ignored.
const kustomization = parse(readFileSync(path.join(k8sDir, "kustomization.yaml"), "utf8"));
for (const key of Object.keys(kustomization)) {
  if (!["apiVersion", "kind", "namespace", "resources"].includes(key)) {
    problem("kustomization.yaml", `field '${key}' is not understood by this check: extend it`);
  }
}
const objects = [];
for (const file of kustomization.resources) {
  const text = readFileSync(path.join(k8sDir, file), "utf8");
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) problem(file, `YAML: ${doc.errors[0].message}`);
    const obj = doc.toJSON();
    if (obj == null) continue;
    if (kustomization.namespace && obj.kind !== "Namespace") {
      obj.metadata = { ...obj.metadata, namespace: kustomization.namespace };
    }
    objects.push({ file, obj });
  }
}
const secretTemplate = parse(readFileSync(path.join(k8sDir, "secret.example.yaml"), "utf8"));
objects.push({ file: "secret.example.yaml", obj: secretTemplate });

// --- validate against the API schemas ----------------------------------------------------------
async function modelFor(apiVersion, kind) {
  const group = apiVersion.includes("/") ? apiVersion : `v1`;
  const module = `kubernetes-models/${group}/${kind}`;
  try {
    return (await import(module))[kind];
  } catch (e) {
    return null;
  }
}
for (const { file, obj } of objects) {
  const where = `${file} ${obj.kind}/${obj.metadata?.name}`;
  const Model = await modelFor(obj.apiVersion ?? "", obj.kind ?? "");
  if (!Model) {
    problem(where, `unknown apiVersion/kind ${obj.apiVersion} ${obj.kind}`);
    continue;
  }
  try {
    new Model(obj).validate();
  } catch (e) {
    problem(where, `invalid: ${e.message}`);
  }
}

// --- what the deployment must have --------------------------------------------------------------
const byKind = (kind) => objects.filter((o) => o.obj.kind === kind).map((o) => o.obj);
const deployments = byKind("Deployment");
const processes = ["intake", "scheduling", "supervision", "gateway"];
const matches = (selector, labels) =>
  Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels?.[k] === v);
for (const name of processes) {
  const d = deployments.find((x) => x.metadata.name === name);
  if (!d) {
    problem(name, "no Deployment");
    continue;
  }
  const where = `Deployment/${name}`;
  if (!(d.spec.replicas >= 2)) problem(where, "replicas must be at least 2");
  const labels = d.spec.template.metadata.labels;
  for (const c of d.spec.template.spec.containers) {
    if (!c.readinessProbe) problem(where, `container ${c.name} has no readinessProbe`);
    if (!c.livenessProbe) problem(where, `container ${c.name} has no livenessProbe`);
    if (!c.resources?.requests?.memory || !c.resources?.limits?.memory) {
      problem(where, `container ${c.name} needs memory requests and limits`);
    }
    const probe = c.readinessProbe ?? {};
    if (name === "gateway" && probe.httpGet?.path !== "/readyz") {
      problem(where, "the readiness probe is GET /readyz");
    }
    if (name !== "gateway" && !probe.grpc) problem(where, "the readiness probe is gRPC health");
  }
  if (!byKind("Service").some((s) => matches({ matchLabels: s.spec.selector }, labels))) {
    problem(where, "no Service selects it");
  }
  if (!byKind("PodDisruptionBudget").some((p) => matches(p.spec.selector, labels))) {
    problem(where, "no PodDisruptionBudget covers it");
  }
  if (!byKind("NetworkPolicy").some((p) => p.metadata.name === name && matches(p.spec.podSelector, labels))) {
    problem(where, "no NetworkPolicy of its own");
  }
}
const hpa = byKind("HorizontalPodAutoscaler").find((h) => h.spec.scaleTargetRef.name === "gateway");
if (!hpa) problem("HorizontalPodAutoscaler", "none targets the gateway");
else if (!(hpa.spec.minReplicas >= 2)) problem("HorizontalPodAutoscaler/gateway", "minReplicas < 2");
if (!byKind("NetworkPolicy").some((p) => p.metadata.name === "default-deny")) {
  problem("NetworkPolicy", "no default-deny");
}
const jobs = byKind("Job");
if (jobs.length !== 1) problem("Job", "exactly one migration Job expected");

// Every Secret key and ConfigMap referenced exists.
const configMaps = Object.fromEntries(byKind("ConfigMap").map((c) => [c.metadata.name, c.data ?? {}]));
const secrets = Object.fromEntries(
  byKind("Secret").map((s) => [s.metadata.name, { ...(s.stringData ?? {}), ...(s.data ?? {}) }]),
);

// --- PETITION_* variables and flags against the binaries and compose ---------------------------
const helpCache = {};
function flagsOf(binary) {
  if (!helpCache[binary]) {
    const exe = path.join(buildDir, "services", binary, binary);
    if (!existsSync(exe)) {
      problem(binary, `binary ${exe} not built`);
      return (helpCache[binary] = new Set());
    }
    let out = "";
    try {
      out = execFileSync(exe, ["--helpfull"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (e) {
      out = `${e.stdout ?? ""}${e.stderr ?? ""}`;  // absl exits 1 after printing help
    }
    helpCache[binary] = new Set([...out.matchAll(/^\s+--([a-z0-9_]+) /gm)].map((m) => m[1]));
  }
  return helpCache[binary];
}
// The flag an environment variable sets for `binary` (common/config.h), or null.
function flagForEnv(binary, name) {
  const flags = flagsOf(binary);
  const own = `PETITION_${binary.toUpperCase()}_`;
  if (name.startsWith(own)) {
    const flag = name.slice(own.length).toLowerCase();
    return flags.has(flag) ? flag : null;
  }
  for (const other of processes) {
    if (name.startsWith(`PETITION_${other.toUpperCase()}_`)) return "another process's";
  }
  const flag = name.slice("PETITION_".length).toLowerCase();
  return flags.has(flag) ? flag : null;
}

// The environment each process gets: name -> value (null when it comes from a Secret).
function containerEnv(c, where) {
  const env = {};
  for (const from of c.envFrom ?? []) {
    const cm = from.configMapRef?.name;
    if (cm && !configMaps[cm]) problem(where, `ConfigMap ${cm} does not exist`);
    Object.assign(env, configMaps[cm] ?? {});
  }
  for (const e of c.env ?? []) {
    const ref = e.valueFrom?.secretKeyRef;
    if (ref && !(secrets[ref.name] && ref.key in secrets[ref.name])) {
      problem(where, `Secret ${ref.name} has no key ${ref.key} (secret.example.yaml)`);
    }
    env[e.name] = ref ? null : e.value;
  }
  return env;
}

function checkProcess(where, binary, env, args) {
  if (!processes.includes(binary)) {
    problem(where, `runs '${binary}', not one of ${processes.join(", ")}`);
    return;
  }
  const usedBySome = (name) => processes.some((p) => { const f = flagForEnv(p, name); return f && f !== "another process's"; });
  for (const name of Object.keys(env)) {
    if (!name.startsWith("PETITION_")) continue;
    const flag = flagForEnv(binary, name);
    if (flag === "another process's") {
      if (!usedBySome(name)) problem(where, `${name} names no flag of any process`);
      continue;
    }
    // A shared ConfigMap gives every process every variable: one of them must use it.
    if (!flag && !usedBySome(name)) problem(where, `${name} names no flag of any process`);
  }
  for (const a of args.slice(1)) {
    const m = /^--([a-z0-9_]+)/.exec(a);
    if (!m) problem(where, `argument '${a}' is not a flag`);
    else if (!flagsOf(binary).has(m[1])) problem(where, `${binary} has no flag --${m[1]}`);
  }
}

const k8sEnv = {};  // binary -> env of its Deployment
for (const d of deployments) {
  for (const c of d.spec.template.spec.containers) {
    const where = `Deployment/${d.metadata.name} container ${c.name}`;
    const args = [...(c.command ?? []), ...(c.args ?? [])];
    const env = containerEnv(c, where);
    checkProcess(where, args[0], env, args);
    k8sEnv[args[0]] = env;
  }
}
for (const j of jobs) {
  for (const c of j.spec.template.spec.containers) {
    const where = `Job/${j.metadata.name} container ${c.name}`;
    const args = [...(c.command ?? []), ...(c.args ?? [])];
    checkProcess(where, args[0], containerEnv(c, where), args);
    if (!args.includes("--migrate_only")) problem(where, "the migration Job runs --migrate_only");
  }
}
for (const p of processes.filter((p) => p !== "gateway")) {
  if (k8sEnv[p]?.PETITION_MIGRATE !== "false") {
    problem(`Deployment/${p}`, "must start with PETITION_MIGRATE=false (the Job migrates)");
  }
}

// docker-compose.yml: the same processes with the same variables. Kubernetes alone has the
// variables of its migration Job arrangement and of draining behind a load balancer (a
// terminating pod stays in the Service's endpoints for a moment); compose alone has nothing.
const K8S_ONLY = new Set(["PETITION_MIGRATE", "PETITION_PG_CONNECT_TIMEOUT_S", "PETITION_SHUTDOWN_DRAIN_MS"]);
const compose = parse(readFileSync(path.join(sourceDir, "docker-compose.yml"), "utf8"), { merge: true });
for (const p of processes) {
  const svc = compose.services?.[p];
  if (!svc) {
    problem("docker-compose.yml", `no service ${p}`);
    continue;
  }
  const where = `docker-compose.yml service ${p}`;
  const command = svc.command ?? [];
  if (command[0] !== p) problem(where, `command should start with "${p}"`);
  const env = svc.environment ?? {};
  checkProcess(where, p, env, command);
  const composeNames = new Set(Object.keys(env).filter((n) => n.startsWith("PETITION_") || n === "PGPASSWORD"));
  const k8sNames = new Set(Object.keys(k8sEnv[p] ?? {}).filter((n) => (n.startsWith("PETITION_") || n === "PGPASSWORD") && !K8S_ONLY.has(n)));
  for (const n of composeNames) if (!k8sNames.has(n)) problem(where, `${n} is set in compose but not in deploy/k8s`);
  for (const n of k8sNames) if (!composeNames.has(n)) problem(`deploy/k8s ${p}`, `${n} is set in deploy/k8s but not in compose`);
  // Addresses, time zones and listen addresses must be the same; DSNs may differ in sslmode.
  for (const n of k8sNames) {
    const a = k8sEnv[p][n];
    const b = env[n];
    if (a == null || b == null || typeof b !== "string") continue;
    if (/_ADDR$|_TIME_ZONE$|^PETITION_HOST$/.test(n) && a !== b) {
      problem(where, `${n} is '${b}' in compose but '${a}' in deploy/k8s`);
    }
    if (/_PG_DSN$/.test(n) && a.replace(/ sslmode=\S+/, "") !== b) {
      problem(where, `${n} differs from deploy/k8s beyond sslmode`);
    }
  }
}

if (problems.length > 0) {
  for (const p of problems) console.error(`FAILED: ${p}`);
  console.error(`${problems.length} problem(s) in deploy/k8s`);
  process.exit(1);
}
console.log(`PASS: ${objects.length} objects valid; deployments, probes, budgets, autoscaler, policies, ` +
  `variables and flags agree with the binaries and docker-compose.yml`);
