/**
 * Packages as a table, the way `kubectl get packages` prints them.
 */
import type { PackageInfo } from './packages.ts';

/**
 * Formats Packages as `kubectl get packages` does, with the CRD's printer columns:
 * `NAME PACKAGE AGE STATE CURRENTVERSION TARGETVERSION DETAIL` (`NAMESPACE` first with
 * `allNamespaces`).
 *
 * @public
 */
export function formatPackageTable(
  packages: readonly PackageInfo[],
  options: { readonly allNamespaces?: boolean; readonly now?: Date } = {},
): string {
  if (packages.length === 0) return 'No resources found\n';
  const now = options.now ?? new Date();
  const header = ['NAME', 'PACKAGE', 'AGE', 'STATE', 'CURRENTVERSION', 'TARGETVERSION', 'DETAIL'];
  const rows = packages.map((p) =>
    [
      p.name,
      p.packageName,
      p.createdAt === undefined
        ? '<unknown>'
        : humanDuration(now.getTime() - p.createdAt.getTime()),
      p.state ?? '',
      p.currentVersion ?? '',
      p.targetVersion ?? '',
      p.detail ?? '',
    ].map(cellText),
  );
  const table =
    options.allNamespaces === true
      ? [['NAMESPACE', ...header], ...rows.map((r, i) => [packages[i]?.namespace ?? '', ...r])]
      : [header, ...rows];
  return tabulate(table);
}

/**
 * Rows laid out as kubectl's tabwriter lays them out: each column padded to its widest cell plus
 * 3 spaces, no padding after the last, a newline after each row. @internal
 */
export function tabulate(table: readonly (readonly string[])[]): string {
  const widths = (table[0] ?? []).map((_, c) => Math.max(...table.map((r) => (r[c] ?? '').length)));
  return `${table
    .map((r) =>
      r
        .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd((widths[c] ?? 0) + 3)))
        .join('')
        .trimEnd(),
    )
    .join('\n')}\n`;
}

/**
 * A cell as kubectl's table printer writes it (k8s.io/cli-runtime `printers`): cut at the first
 * line break (`\f`, `\n` or `\r`) with `...` after it, and ESC shown as `^[` (its escaping of
 * terminal control sequences), so a controller's multi-line or hostile detail cannot break the
 * table or the terminal.
 */
function cellText(text: string): string {
  const cut = text.search(/[\f\n\r]/);
  const line = cut < 0 ? text : `${text.slice(0, cut)}...`;
  return line.replaceAll('\x1b', '^[');
}

/**
 * kubectl's age format (`k8s.io/apimachinery/pkg/util/duration.HumanDuration`): `45s`, `3m20s`,
 * `15m`, `4h5m`, `20h`, `3d4h`, `9d`, `2y30d`.
 *
 * @public
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8)
    return hours % 24 === 0 ? `${hours / 24}d` : `${Math.trunc(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const days = Math.trunc(hours / 24) % 365;
    return days === 0
      ? `${Math.trunc(hours / 24 / 365)}y`
      : `${Math.trunc(hours / 24 / 365)}y${days}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}
