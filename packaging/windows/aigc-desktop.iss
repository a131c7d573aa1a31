; Inno Setup script for the Windows installer. NOT built or run on the machine it was
; written on: the release workflow (.github/workflows/release.yml) builds it on Windows.
;
;   python packaging\build.py --target bundle          -> build\bundle\aigc-desktop\
;   iscc /DAppVersion=0.1.0 packaging\windows\aigc-desktop.iss  -> dist\aigc-desktop-0.1.0-windows-x64-setup.exe
;
; Per-user install (no administrator rights): {localappdata}\Programs\AIGC Desktop,
; a Start-menu entry, an optional desktop icon, and an uninstaller in "Apps & features".
; Conversations and models live in the user's data folder and are kept on uninstall.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#define AppName "AIGC Desktop"
#define Bundle "..\..\build\bundle\aigc-desktop"

[Setup]
AppId={{6E3B7A52-2C1F-4D8A-9A35-6F0C8D2B9E41}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=AIGC Desktop
DefaultDirName={localappdata}\Programs\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=aigc-desktop-{#AppVersion}-windows-x64-setup
SetupIconFile=..\icons\aigc-desktop.ico
UninstallDisplayIcon={app}\aigc-desktop.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
Name: "zh_CN"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\aigc-desktop.exe"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{userdesktop}\{#AppName}"; Filename: "{app}\aigc-desktop.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\aigc-desktop.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
