// The SR-IOV page: Hyper-V Manager's SR-IOV views over the vmnet tool.
//
// Everything shown comes from `vmnet --output json` run as the logged-in user,
// so libvirt's authorization decides what each user sees and may change.
// `vmnet watch-vmhost` prints a line whenever libvirt reports a change; each
// line makes the page read the host again.

/* global cockpit */
import { h, replace, alert, label, td } from "./dom.js";

const DEFAULT_URI = "qemu:///system";
const $ = id => document.getElementById(id);

const state = {
    uri: null,
    data: null,
    watch: null,
    loading: false,
    again: false,
    generation: 0,
    move: null,
};

// The tool's error text without its program prefix.
function errorText(ex) {
    const text = (ex && (ex.message || ex.problem)) || String(ex);
    return text.split("\n").filter(l => l.trim()).map(l => l.replace(/^vmnet: error: /, ""))
            .join(" ");
}

function vmnet(args) {
    return cockpit.spawn(["vmnet", "--connect", state.uri, "--output", "json", ...args],
                         { err: "message" })
            .then(out => out.trim() ? JSON.parse(out) : null);
}

// test-sriov exits 4 with its whole checklist printed when a check FAILs:
// that is a result to show, not an error.
function testSriov() {
    const script = 'out=$("$0" "$@"); s=$?; printf "%s" "$out"; [ $s = 4 ] && [ -n "$out" ] && exit 0; exit $s';
    return cockpit.spawn(["/bin/sh", "-c", script, "vmnet", "--connect", state.uri, "--output", "json", "test-sriov"],
                         { err: "message" })
            .then(out => out.trim() ? JSON.parse(out) : null);
}

function showRefusal(slot, operation, ex) {
    replace(slot, alert("danger", `${operation} refused`, errorText(ex)));
}

const yesNo = v => v === true ? "Yes" : v === false ? "No" : "Unknown";
const onOff = v => v ? "On" : "Off";
const resultColor = { PASS: "green", WARN: "orange", FAIL: "red", SKIP: "grey" };
const statusColor = { Ok: "green", Degraded: "orange", Stopped: "grey", Error: "red" };

/* Reading */

function load() {
    if (state.loading) {
        state.again = true;
        return Promise.resolve();
    }
    state.loading = true;
    state.again = false;
    const generation = state.generation;
    return Promise.all([
        vmnet(["get-vmhost"]),
        testSriov(),
        vmnet(["get-netadaptersriov"]),
        vmnet(["get-vmswitch"]),
        vmnet(["get-netadaptersriovvf"]),
        vmnet(["get-vmnetworkadapter", "--all"]),
    ])
            .then(([host, checks, pfs, switches, vfs, adapters]) => {
                if (generation !== state.generation)
                    return;
                state.data = {
                    host, checks: checks || [], pfs: pfs || [], switches: switches || [],
                    vfs: vfs || [], adapters: adapters || []
                };
                replace($("page-alert"));
                render();
                document.body.dataset.loaded = String(Number(document.body.dataset.loaded || 0) + 1);
            })
            .catch(ex => {
                if (generation === state.generation)
                    showRefusal($("page-alert"), `Reading ${state.uri}`, ex);
            })
            .finally(() => {
                state.loading = false;
                if (state.again && generation === state.generation)
                    load();
            });
}

function watch() {
    const generation = state.generation;
    let buffer = "";
    const proc = cockpit.spawn(["vmnet", "--connect", state.uri, "--output", "json", "watch-vmhost"],
                               { err: "message" });
    state.watch = proc;
    $("live-state").textContent = "Connecting…";
    proc.stream(data => {
        if (generation !== state.generation)
            return;
        buffer += data;
        let nl;
        while ((nl = buffer.indexOf("\n")) >= 0) {
            const line = buffer.slice(0, nl);
            buffer = buffer.slice(nl + 1);
            let change;
            try {
                change = JSON.parse(line);
            } catch (e) {
                continue;
            }
            if (change.Sequence === 0) {
                $("live-state").textContent = "Live: following libvirt events";
                document.body.dataset.watching = "yes";
            } else {
                document.body.dataset.changes = String(change.Sequence);
                load();
            }
        }
    });
    proc.catch(ex => {
        if (generation !== state.generation || ex.problem === "cancelled")
            return;
        document.body.dataset.watching = "no";
        $("live-state").textContent = "Not live: " + errorText(ex) + " (Connect to try again)";
    });
}

function connect(uri) {
    state.generation++;
    if (state.watch) {
        state.watch.close("cancelled");
        state.watch = null;
    }
    state.uri = uri || DEFAULT_URI;
    state.loading = false;
    $("connect-uri").value = state.uri;
    document.body.dataset.watching = "no";
    try {
        window.localStorage.setItem("vmnet-uri", state.uri);
    } catch (e) { /* storage may be off */ }
    load();
    watch();
}

/* Rendering */

function render() {
    const d = state.data;
    renderHost(d);
    renderPfs(d);
    renderSwitches(d);
    renderPictures(d);
    renderAdapters(d);
    renderMoveChoices(d);
}

function renderHost(d) {
    const facts = [
        ["ComputerName", d.host.ComputerName],
        ["Hypervisor", `${d.host.Hypervisor} ${d.host.HypervisorVersion || ""}`.trim()],
        ["LibvirtVersion", d.host.LibvirtVersion],
        ["Uri", d.host.Uri],
        ["IovSupport", yesNo(d.host.IovSupport)],
    ];
    const items = facts.map(([name, value]) =>
        h("div", { class: "pf-c-description-list__group" },
          h("dt", { class: "pf-c-description-list__term" }, h("span", { class: "pf-c-description-list__text" }, name)),
          h("dd", { class: "pf-c-description-list__description", "data-field": name },
            h("div", { class: "pf-c-description-list__text" }, value))));
    if (d.host.IovSupportReasons && d.host.IovSupportReasons.length)
        items.push(h("div", { class: "pf-c-description-list__group" },
                     h("dt", { class: "pf-c-description-list__term" }, "IovSupportReasons"),
                     h("dd", { class: "pf-c-description-list__description", "data-field": "IovSupportReasons" },
                       h("ul", { class: "vmnet-reasons" }, d.host.IovSupportReasons.map(r => h("li", {}, r))))));
    replace($("host-facts"), items);

    replace($("checks-table").tBodies[0], d.checks.map(c =>
        h("tr", { "data-key": `${c.Scope}/${c.Object}/${c.Check}` },
          td("Result", "Result", label(c.Result, resultColor[c.Result] || "grey")),
          td("Title", "Check", c.Title),
          td("Object", "Object", `${c.Scope} ${c.Object}`),
          td("Message", "Message", c.Message),
          td("Fix", "Fix", c.Fix || ""))));
}

function renderPfs(d) {
    const body = $("pf-table").tBodies[0];
    // Keep what the user is typing across live updates.
    const typed = {};
    body.querySelectorAll("input[data-pf]").forEach(i => {
        if (i.value !== i.defaultValue)
            typed[i.dataset.pf] = i.value;
    });
    replace(body, d.pfs.map(pf => {
        const inputId = `numvfs-${pf.Name}`;
        const input = h("input", {
            class: "pf-c-form-control vmnet-narrow", id: inputId, type: "text", inputmode: "numeric",
            "data-pf": pf.Name, value: String(pf.NumVFs)
        });
        input.defaultValue = String(pf.NumVFs);
        if (pf.Name in typed)
            input.value = typed[pf.Name];
        const apply = h("button", {
            class: "pf-c-button pf-m-secondary", type: "submit", "data-pf": pf.Name,
            "aria-label": `Apply NumVFs of ${pf.Name}`
        }, "Apply");
        if (pf.AllocatedVFs > 0)
            input.setAttribute("aria-describedby", `${inputId}-in-use`);
        const form = h("form", {
            class: "vmnet-inline-form",
            onsubmit: ev => { ev.preventDefault(); setNumVfs(pf.Name, input.value, apply) }
        },
                       h("label", { class: "pf-u-screen-reader", for: inputId }, `NumVFs of ${pf.Name}`),
                       input, apply,
                       pf.AllocatedVFs > 0
                           ? h("span", { class: "pf-c-form__helper-text", id: `${inputId}-in-use` },
                               `${pf.AllocatedVFs} in use: give them back first`)
                           : null);
        return h("tr", { "data-key": pf.Name },
                 td("Name", "Name", pf.Name),
                 td("InterfaceDescription", "Description", pf.InterfaceDescription || ""),
                 td("SwitchName", "Switch", pf.SwitchName || "—"),
                 td("LinkState", "Link", pf.LinkState || "—"),
                 td("AllocatedVFs", "VFs in use", String(pf.AllocatedVFs)),
                 td("NumVFs", "NumVFs", `${pf.NumVFs} of ${pf.TotalVFs}`),
                 td("Change", "Change NumVFs", form));
    }));
}

function setNumVfs(name, value, button) {
    const slot = $("pf-alert");
    button.disabled = true;
    vmnet(["set-netadaptersriov", name, "--num-vfs", value.trim()])
            .then(() => {
                replace(slot, alert("success", `NumVFs of ${name} set to ${value.trim()}`));
                return load();
            })
            .catch(ex => showRefusal(slot, `Set-NetAdapterSriov ${name}`, ex))
            .finally(() => { button.disabled = false });
}

function renderSwitches(d) {
    replace($("switch-table").tBodies[0], d.switches.map(sw =>
        h("tr", { "data-key": sw.Name },
          td("Name", "Name", sw.Name),
          td("SwitchType", "Type", sw.SwitchType),
          td("NetAdapterName", "Adapter", sw.NetAdapterName || "—"),
          td("IovEnabled", "SR-IOV mode", sw.IovEnabled ? "Enabled" : "Disabled"),
          td("IovVirtualFunctionsInUse", "VFs in use", `${sw.IovVirtualFunctionsInUse} of ${sw.IovVirtualFunctionCount}`),
          td("IovQueuePairsInUse", "Queue pairs in use", `${sw.IovQueuePairsInUse} of ${sw.IovQueuePairCount}`),
          td("IovSupport", "SR-IOV support",
             sw.IovSupportReasons && sw.IovSupportReasons.length
                 ? h("details", {}, h("summary", {}, yesNo(sw.IovSupport)),
                     h("ul", { class: "vmnet-reasons" }, sw.IovSupportReasons.map(r => h("li", {}, r))))
                 : yesNo(sw.IovSupport)))));
}

// Whether an adapter without a VF gets one by waiting: not when its configuration keeps it off
// (a port policy, a definition without failover, …): that needs a change, which its
// StatusDescription names.
const waitsForVf = a => a.IovWeight > 0 && !a.VirtualFunction && a.Status !== "Stopped" &&
        (a.StatusDescription || [])[0] !== "Degraded (SR-IOV configuration error)";

// Per PF: its VFs and who holds each, then the adapters waiting for one.
function renderPictures(d) {
    const pictures = d.pfs.filter(pf => pf.NumVFs > 0).map(pf => {
        const vfs = d.vfs.filter(vf => vf.Name === pf.Name).sort((a, b) => a.FunctionID - b.FunctionID);
        const switches = d.switches.filter(sw => sw.NetAdapterName === pf.Name);
        const poolSwitches = switches.filter(sw => sw.IovEnabled).map(sw => sw.Name);
        const waiting = d.adapters
                .filter(a => poolSwitches.includes(a.SwitchName) && waitsForVf(a))
                .sort((a, b) => b.IovWeight - a.IovWeight || a.VMName.localeCompare(b.VMName));
        const titleId = `picture-${pf.Name}`;
        return h("figure", { class: "vmnet-picture", "data-pf": pf.Name, "aria-labelledby": titleId },
                 h("figcaption", { id: titleId, class: "pf-c-title pf-m-md" },
                   `${pf.Name}: ${vfs.filter(vf => vf.VmFriendlyName).length} of ${vfs.length} VFs held`,
                   switches.length ? ` · switch ${switches.map(sw => sw.Name).join(", ")}` : ""),
                 h("ol", { class: "vmnet-vfs", "aria-label": `VFs of ${pf.Name}` }, vfs.map(vf =>
                     h("li", {
                         class: vf.VmFriendlyName ? "vmnet-vf vmnet-vf-held" : "vmnet-vf",
                         "data-function": String(vf.FunctionID)
                     },
                       h("span", { class: "vmnet-vf-id" }, `VF ${vf.FunctionID}`),
                       h("span", { class: "vmnet-vf-pci" }, vf.PciAddress || ""),
                       h("span", { class: "vmnet-vf-holder", "data-field": "Holder" },
                         vf.VmFriendlyName ? `${vf.VmFriendlyName} / ${vf.VMNetworkAdapterName}` : "free")))),
                 h("div", { class: "vmnet-waiting" },
                   h("span", { class: "vmnet-waiting-title" }, "Waiting for a VF, by IovWeight: "),
                   waiting.length
                       ? h("ol", { class: "vmnet-waiting-list", "data-field": "Waiting" }, waiting.map(a =>
                           h("li", {}, `${a.VMName} / ${a.Name} (${a.IovWeight})`)))
                       : h("span", { "data-field": "Waiting" }, "none")));
    });
    replace($("vf-pictures"), pictures.length ? pictures : h("p", {}, "No physical adapter has VFs enabled."));
}

// The first line in view, all of them a click (or Enter) away.
function reasons(lines) {
    const list = h("ul", { class: "vmnet-reasons" }, lines.map(s => h("li", {}, s)));
    if (lines.length < 2)
        return list;
    return h("details", {}, h("summary", {}, `${lines[0]} (+${lines.length - 1} more)`), list);
}

function renderAdapters(d) {
    replace($("adapter-table").tBodies[0], d.adapters.map(a => {
        const guards = ["RouterGuard", "DhcpGuard", "MacAddressSpoofing"].filter(g => a[g]);
        return h("tr", { "data-key": `${a.VMName}/${a.Name}` },
                 td("VMName", "VM", a.VMName),
                 td("Name", "Adapter", a.Name),
                 td("SwitchName", "Switch", a.SwitchName || "—"),
                 td("IovWeight", "IovWeight", String(a.IovWeight)),
                 td("IovQueuePairs", "Queue pairs", `${a.IovQueuePairsAssigned} of ${a.IovQueuePairsRequested}`),
                 td("IovInterruptModeration", "Interrupt moderation", a.IovInterruptModeration),
                 td("AllowTeaming", "AllowTeaming", onOff(a.AllowTeaming)),
                 td("Guards", "Guards", guards.length ? guards.join(", ") : "None"),
                 td("IovUsage", "IovUsage", String(a.IovUsage)),
                 td("Status", "Status", label(a.Status, statusColor[a.Status] || "grey")),
                 td("StatusDescription", "StatusDescription", reasons(a.StatusDescription || [])),
                 h("td", { class: "pf-c-table__action" },
                   h("button", {
                       class: "pf-c-button pf-m-secondary", type: "button",
                       "aria-label": `Edit ${a.VMName} ${a.Name}`, onclick: () => editAdapter(a)
                   }, "Edit")));
    }));
}

function renderMoveChoices(d) {
    const select = $("move-vm");
    const chosen = select.value;
    const names = [...new Set(d.adapters.map(a => a.VMName))].sort();
    replace(select, names.map(n => h("option", { value: n }, n)));
    if (names.includes(chosen))
        select.value = chosen;
}

/* Adapter settings: the Hardware Acceleration page */

const adapterFields = [
    { name: "IovWeight", option: "--iov-weight", kind: "text", help: "0 turns SR-IOV off, 1 to 100 ask for a VF" },
    { name: "IovQueuePairsRequested", option: "--iov-queue-pairs-requested", kind: "text", help: "Queue pairs wanted on the VF" },
    {
        name: "IovInterruptModeration", option: "--iov-interrupt-moderation", kind: "select",
        choices: ["Default", "Adaptive", "Off", "Low", "Medium", "High"]
    },
    { name: "AllowTeaming", option: "--allow-teaming", kind: "check", help: "Let the guest team the VF" },
    { name: "RouterGuard", option: "--router-guard", kind: "check", help: "Drop router advertisements from the VM" },
    { name: "DhcpGuard", option: "--dhcp-guard", kind: "check", help: "Drop DHCP server messages from the VM" },
    { name: "MacAddressSpoofing", option: "--mac-address-spoofing", kind: "check", help: "Let the VM send other source MACs" },
    { name: "VlanId", option: "--vlan-id", kind: "text", help: "Access VLAN, 0 for untagged", alias: "VLAN" },
];

function editAdapter(a) {
    const dialog = $("adapter-dialog");
    const fields = $("adapter-fields");
    $("adapter-dialog-title").textContent = `Hardware acceleration: ${a.VMName} / ${a.Name}`;
    replace($("adapter-alert"));
    replace(fields, adapterFields.map(f => {
        const id = `field-${f.name}`;
        let control;
        if (f.kind === "select") {
            control = h("select", { class: "pf-c-form-control", id, name: f.name },
                        f.choices.map(c => h("option", { value: c.toLowerCase() }, c)));
            control.value = String(a[f.name]).toLowerCase();
        } else if (f.kind === "check") {
            control = h("input", { class: "pf-c-check__input", type: "checkbox", id, name: f.name });
            control.checked = !!a[f.name];
        } else {
            control = h("input", { class: "pf-c-form-control", type: "text", inputmode: "numeric", id, name: f.name });
            control.value = String(a[f.name]);
        }
        control.dataset.initial = f.kind === "check" ? String(control.checked) : control.value;
        return h("div", { class: "pf-c-form__group", "data-field": f.name },
                 h("div", { class: "pf-c-form__group-label" },
                   h("label", { class: "pf-c-form__label", for: id }, h("span", { class: "pf-c-form__label-text" }, f.name))),
                 h("div", { class: "pf-c-form__group-control" }, control,
                   f.help ? h("p", { class: "pf-c-form__helper-text", id: `${id}-help` }, f.help) : null));
    }));
    const form = $("adapter-form");
    form.onsubmit = ev => {
        ev.preventDefault();
        saveAdapter(a);
    };
    dialog.showModal();
    $("field-IovWeight").focus();
}

function saveAdapter(a) {
    const args = ["set-vmnetworkadapter", "--vm-name", a.VMName, "--name", a.MacAddress || a.Name];
    for (const f of adapterFields) {
        const control = $(`field-${f.name}`);
        control.removeAttribute("aria-invalid");
        control.classList.remove("pf-m-error");
        const value = f.kind === "check" ? String(control.checked) : control.value.trim();
        if (value === control.dataset.initial)
            continue;
        if (f.kind === "check")
            args.push(f.option, control.checked ? "on" : "off");
        else if (f.name === "VlanId" && value === "0")
            args.push("--untagged");
        else
            args.push(f.option, value);
    }
    const save = $("adapter-save");
    save.disabled = true;
    vmnet(args)
            .then(() => {
                $("adapter-dialog").close();
                return load();
            })
            .catch(ex => {
                const text = errorText(ex);
                // Mark the field the tool named.
                for (const f of adapterFields) {
                    const named = [f.name, f.option, f.alias].filter(Boolean);
                    if (named.some(n => text.includes(n))) {
                        const control = $(`field-${f.name}`);
                        control.setAttribute("aria-invalid", "true");
                        control.classList.add("pf-m-error");
                        control.setAttribute("aria-describedby", "adapter-alert");
                    }
                }
                showRefusal($("adapter-alert"), `Set-VMNetworkAdapter ${a.VMName} / ${a.Name}`, ex);
            })
            .finally(() => { save.disabled = false });
}

/* New virtual switch */

function newSwitch() {
    const select = $("switch-adapter");
    replace(select, h("option", { value: "" }, "None: a bridge only"),
            (state.data ? state.data.pfs : []).map(pf => h("option", { value: pf.Name }, pf.Name)));
    replace($("switch-alert"));
    $("switch-name").value = "";
    $("switch-bridge").value = "";
    $("switch-iov").checked = false;
    $("switch-dialog").showModal();
    $("switch-name").focus();
}

function createSwitch(ev) {
    ev.preventDefault();
    const name = $("switch-name").value.trim();
    const adapter = $("switch-adapter").value;
    const args = ["new-vmswitch", "--name", name];
    const bridge = $("switch-bridge").value.trim();
    if (adapter)
        args.push("--net-adapter", adapter);
    if (bridge)
        args.push("--bridge", bridge);
    if ($("switch-iov").checked)
        args.push("--enable-iov");
    $("switch-create").disabled = true;
    vmnet(args)
            .then(() => {
                $("switch-dialog").close();
                return load();
            })
            .catch(ex => showRefusal($("switch-alert"), `New-VMSwitch ${name}`, ex))
            .finally(() => { $("switch-create").disabled = false });
}

/* Move, with its progress and cancel */

const movePhases = { Preflight: 5, Detach: 20, Migrate: 40, Attach: 90 };

function setProgress(percent, text) {
    $("move-progress").hidden = false;
    $("move-progress-bar").setAttribute("aria-valuenow", String(percent));
    $("move-progress-indicator").style.setProperty("width", `${percent}%`);
    $("move-progress-measure").textContent = `${percent}%`;
    $("move-progress-label").textContent = text;
}

function moveVm(ev) {
    ev.preventDefault();
    const vm = $("move-vm").value;
    const destination = $("move-destination").value.trim();
    if (!vm || !destination)
        return;
    const argv = ["/bin/sh", "-c", 'echo "$$"; exec "$0" "$@"', "vmnet", "--connect", state.uri,
        "move-vm", "--vm-name", vm, "--destination", destination];
    const migrateUri = $("move-migrate-uri").value.trim();
    if (migrateUri)
        argv.push("--migrate-uri", migrateUri);
    if ($("move-live").checked)
        argv.push("--live");
    const move = { pid: null, output: "", cancelled: false, phases: [] };
    state.move = move;
    replace($("move-alert"));
    $("move-button").disabled = true;
    $("move-cancel").disabled = false;
    $("move-progress").dataset.phases = "";
    setProgress(0, `Moving ${vm} to ${destination}: starting`);
    const proc = cockpit.spawn(argv, { err: "out" });
    proc.stream(data => {
        move.output += data;
        const lines = move.output.split("\n");
        if (move.pid === null && lines.length > 1)
            move.pid = lines[0].trim();
        for (const line of lines.slice(1)) {
            const phase = line.replace(/…$/, "").trim();
            if (phase in movePhases && !move.phases.includes(phase)) {
                move.phases.push(phase);
                $("move-progress").dataset.phases = move.phases.join(" ");
                setProgress(movePhases[phase], `Moving ${vm} to ${destination}: ${phase}`);
            }
        }
    });
    proc.then(() => {
        setProgress(100, `Moved ${vm} to ${destination}`);
        replace($("move-alert"), alert("success", `Moved ${vm} to ${destination}`));
    }).catch(ex => {
        const error = move.output.split("\n").find(l => l.startsWith("vmnet: error: "));
        const text = error ? errorText({ message: error }) : errorText(ex);
        replace($("move-alert"), alert(move.cancelled ? "warning" : "danger",
                                       move.cancelled ? `Move-VM ${vm} cancelled` : `Move-VM ${vm} refused`, text));
        $("move-progress-label").textContent = `Moving ${vm} to ${destination}: stopped`;
    }).finally(() => {
        state.move = null;
        $("move-button").disabled = false;
        $("move-cancel").disabled = true;
        load();
    });
}

// SIGINT cancels the tool's move: a migration libvirt has started is aborted,
// the VM stays where it was and gets its VFs back.
function cancelMove() {
    const move = state.move;
    if (!move || !move.pid)
        return;
    move.cancelled = true;
    $("move-cancel").disabled = true;
    cockpit.spawn(["kill", "-INT", move.pid], { err: "message" })
            .catch(ex => replace($("move-alert"), alert("danger", "Cancel refused", errorText(ex))));
}

/* Start */

function uriFromLocation() {
    const hash = window.location.hash.replace(/^#\/?/, "");
    const query = hash.includes("?") ? hash.slice(hash.indexOf("?") + 1) : "";
    return new URLSearchParams(query).get("uri");
}

function init() {
    $("connect-form").addEventListener("submit", ev => {
        ev.preventDefault();
        connect($("connect-uri").value.trim());
    });
    $("new-switch-button").addEventListener("click", newSwitch);
    $("switch-form").addEventListener("submit", createSwitch);
    $("switch-cancel").addEventListener("click", () => $("switch-dialog").close());
    $("adapter-cancel").addEventListener("click", () => $("adapter-dialog").close());
    $("move-form").addEventListener("submit", moveVm);
    $("move-cancel").addEventListener("click", cancelMove);

    let stored = null;
    try {
        stored = window.localStorage.getItem("vmnet-uri");
    } catch (e) { /* storage may be off */ }
    connect(uriFromLocation() || stored || DEFAULT_URI);
}

init();
