#!/usr/bin/env bash
# Remove what install.sh installed for the current user (no root): the desktop entry, the icons,
# the .tsproj MIME type and the default-application line. The app itself stays installed.
set -euo pipefail
data="${XDG_DATA_HOME:-$HOME/.local/share}"
config="${XDG_CONFIG_HOME:-$HOME/.config}"
mime_type="application/x-tradeoff-studio-project"

rm -f "$data/applications/tradeoff-studio.desktop" "$data/mime/packages/tradeoff-studio.xml"
rm -f "$data"/icons/hicolor/*/apps/tradeoff-studio.png "$data/icons/hicolor/scalable/apps/tradeoff-studio.svg"
for list in "$config/mimeapps.list" "$data/applications/mimeapps.list"; do
  if [ -f "$list" ]; then
    sed -i -e "\|^$mime_type=tradeoff-studio.desktop;*\$|d" -e "s|tradeoff-studio.desktop;||g" "$list"
  fi
done
if command -v update-mime-database >/dev/null && [ -d "$data/mime" ]; then update-mime-database "$data/mime"; fi
if command -v update-desktop-database >/dev/null && [ -d "$data/applications" ]; then
  update-desktop-database -q "$data/applications"
fi
echo "Removed the desktop entry, icons and the .tsproj type."
