/** Checks of single fields, shared by the validators and the kind modules (no imports that lead back to them). */
import type { IssueList } from '../issues.js';
import { isIfName } from '../names.js';

const MAC = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;

/** [V10] a unicast MAC address. */
export function checkMac(mac: string, path: (string | number)[], list: IssueList): void {
  if (!MAC.test(mac)) list.error('link.mac', path, `${JSON.stringify(mac)} is not a MAC address (like 02:00:00:00:00:01)`);
  else if (parseInt(mac.slice(0, 2), 16) & 1)
    list.error('link.mac', path, `${mac} is a multicast MAC; an interface needs a unicast one (first byte even)`);
}

export function checkIfName(name: string, path: (string | number)[], list: IssueList): void {
  if (name.length > 15) list.error('name.too-long', path, `${JSON.stringify(name)} is ${name.length} characters; Linux allows 15`);
  else if (!isIfName(name))
    list.error('name.interface', path, `${JSON.stringify(name)} is not a valid interface name: use 1–15 letters, digits, ".", "_" or "-"`);
}
