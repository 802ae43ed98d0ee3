# shellcheck shell=sh
# Guest-side helpers for checks that drive the vmnet tool built on the host (boot.sh
# --build DIR, seen at /lab/build). boot.sh copies this file into the share, so a check
# script loads it after lib-guest.sh with:  . /lab/lib-vmnet.sh
#
#   VMNET, VIRSH, J     the tool (on qemu:///system), virsh, "python3 -c"
#   PF, PF_ADDR         the igb PF with SR-IOV to use (the VMNET_PF_INDEX-th, default the
#                       first; boot.sh --igb-count 2 gives two): its netdev and PCI address
#   vmnet_wait_libvirtd         wait (up to 90 s) until libvirtd answers
#   vmnet_set_4_vfs             set-netadaptersriov PF --num-vfs 4, checked (sysfs, 4 VFs,
#                               each in its own IOMMU group)
#   vmnet_new_iov_switch NAME   new-vmswitch --enable-iov on PF, checked (4 VFs, none in use,
#                               the pool network NAME-iov active)
#   vmnet_define_vm NAME [N]    define a diskless 64 MiB q35 domain (type qemu, for paused
#                               starts) with N pcie-root-ports (default 3) for hot-plugs

B=/lab/build
export LD_LIBRARY_PATH=$B/libvmnet
VMNET="$B/examples/vmnet/vmnet --connect qemu:///system"
VIRSH="virsh -c qemu:///system"
J="python3 -c"

vmnet_wait_libvirtd() {
    wait_for 90 virsh -c qemu:///system uri >/dev/null 2>&1
}

PF_ADDR=$(for d in /sys/bus/pci/drivers/igb/0000:*; do [ -e "$d/sriov_totalvfs" ] && basename "$d"; done |
    sed -n "${VMNET_PF_INDEX:-1}p")
PF=$(ls "/sys/bus/pci/devices/$PF_ADDR/net" 2>/dev/null | head -n1)

vmnet_set_4_vfs() {
    $VMNET set-netadaptersriov "$PF" --num-vfs 4 || return 1
    udevadm settle --timeout=30
    [ "$(cat /sys/bus/pci/devices/$PF_ADDR/sriov_numvfs)" = 4 ] || { echo "sriov_numvfs is not 4"; return 1; }
    $VMNET -o json get-netadaptersriovvf --name "$PF" > /tmp/vfs.json || return 1
    $J "
import json
v=json.load(open('/tmp/vfs.json'))
print([(x['FunctionID'], x['PciAddress'], x['IommuGroup']) for x in v])
assert [x['FunctionID'] for x in v]==[0,1,2,3], v
assert all(x['PciAddress'] for x in v)
groups=[x['IommuGroup'] for x in v]
assert None not in groups and len(set(groups))==4, groups"
}

vmnet_new_iov_switch() {
    $VMNET -o json new-vmswitch --name "$1" --net-adapter "$PF" --enable-iov > /tmp/sw.json || return 1
    $J "
import json
s=json.load(open('/tmp/sw.json'))[0]
print(s)
assert s['IovEnabled'] and s['IovVirtualFunctionCount']==4 and s['IovVirtualFunctionsInUse']==0, s" || return 1
    $VIRSH net-info "$1-iov" | grep -q 'Active: *yes' || { echo "pool not active"; return 1; }
}

vmnet_define_vm() {
    _ports=""; _i=1
    while [ "$_i" -le "${2:-3}" ]; do
        _ports="$_ports<controller type='pci' index='$_i' model='pcie-root-port'/>"; _i=$((_i + 1))
    done
    cat > "/tmp/$1.xml" <<XML
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  <devices><controller type='pci' index='0' model='pcie-root'/>$_ports<memballoon model='none'/></devices>
</domain>
XML
    $VIRSH define "/tmp/$1.xml" > /dev/null
}
