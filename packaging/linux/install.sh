#!/usr/bin/env bash
# Install Tradeoff Studio's desktop entry, icons and the .tsproj MIME type for the current user
# (no root): files go under $XDG_DATA_HOME (default ~/.local/share), the default-application
# choice into $XDG_CONFIG_HOME/mimeapps.list. Double-clicking a .tsproj then opens it in the app.
#
#   packaging/linux/install.sh [PATH/TO/tradeoff-studio-app]
#
# The launcher defaults to `tradeoff-studio-app` on PATH (pipx install . / pip install puts it
# there) or, inside a PyInstaller bundle, the bundle's own executable. Undo with uninstall.sh.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
data="${XDG_DATA_HOME:-$HOME/.local/share}"
mime_type="application/x-tradeoff-studio-project"

launcher="${1:-$(command -v tradeoff-studio-app || true)}"
if [ -z "$launcher" ] || [ ! -x "$launcher" ]; then
  echo "install.sh: tradeoff-studio-app was not found on PATH; install the app first (pipx install .)" \
       "or give its path: install.sh /path/to/tradeoff-studio-app" >&2
  exit 1
fi
launcher="$(cd "$(dirname "$launcher")" && pwd)/$(basename "$launcher")"
case "$launcher" in
  *[[:space:]\"\'\`\$\\]*) echo "install.sh: the launcher path '$launcher' has spaces or quotes; move it" >&2; exit 1 ;;
esac

install -Dm644 "$here/tradeoff-studio.xml" "$data/mime/packages/tradeoff-studio.xml"
for png in "$here"/icons/*/apps/tradeoff-studio.png; do
  size="$(basename "$(dirname "$(dirname "$png")")")"
  install -Dm644 "$png" "$data/icons/hicolor/$size/apps/tradeoff-studio.png"
done
install -Dm644 "$root/resources/icons/app.svg" "$data/icons/hicolor/scalable/apps/tradeoff-studio.svg"
mkdir -p "$data/applications"
sed -e "s|^Exec=.*|Exec=$launcher %f|" -e "s|^TryExec=.*|TryExec=$launcher|" \
  "$here/tradeoff-studio.desktop" > "$data/applications/tradeoff-studio.desktop"
chmod 644 "$data/applications/tradeoff-studio.desktop"

# Refresh the caches where the tools exist (they do on desktops; a bare server may lack them).
if command -v update-mime-database >/dev/null; then update-mime-database "$data/mime"; fi
if command -v update-desktop-database >/dev/null; then update-desktop-database -q "$data/applications"; fi
if command -v gtk-update-icon-cache >/dev/null && [ -f "$data/icons/hicolor/index.theme" ]; then
  gtk-update-icon-cache -q -t "$data/icons/hicolor" || true
fi
if command -v xdg-mime >/dev/null; then
  xdg-mime default tradeoff-studio.desktop "$mime_type"
fi
echo "Installed the desktop entry ($data/applications/tradeoff-studio.desktop), icons and the .tsproj type."
