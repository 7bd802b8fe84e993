/** The environment variables that carry a request's inputs into the script. */
export const POWERSHELL_RESOURCE_VARIABLE = 'AZURE_IDENTITY_POWERSHELL_RESOURCE';
export const POWERSHELL_TENANT_VARIABLE = 'AZURE_IDENTITY_POWERSHELL_TENANT_ID';

/** What the script prints when Az.Accounts 2.2.0 or later cannot be imported. */
export const NO_AZ_ACCOUNT_MODULE = 'NO_AZ_ACCOUNT_MODULE';

/**
 * The script run by `pwsh -NoProfile -NonInteractive -Command`. It is constant: the resource and
 * tenant come from environment variables, never from text spliced into the script, so no input can
 * change what PowerShell runs. It handles a plain `Token` and a SecureString one (Az.Accounts
 * 2.17 to 4.x with `-AsSecureString`, and Az.Accounts 5+ where `Token` is always a SecureString),
 * and prints one JSON line `{"Token":"…","ExpiresOn":<unix seconds>}`.
 */
export const POWERSHELL_SCRIPT = [
  "$ErrorActionPreference = 'Stop'",
  "$ProgressPreference = 'SilentlyContinue'",
  '$module = Import-Module Az.Accounts -MinimumVersion 2.2.0 -PassThru -ErrorAction SilentlyContinue',
  `if ($null -eq $module) { Write-Output '${NO_AZ_ACCOUNT_MODULE}'; exit 1 }`,
  `$params = @{ ResourceUrl = $env:${POWERSHELL_RESOURCE_VARIABLE}; WarningAction = 'SilentlyContinue' }`,
  `if ($env:${POWERSHELL_TENANT_VARIABLE}) { $params['TenantId'] = $env:${POWERSHELL_TENANT_VARIABLE} }`,
  "if ($module.Version -ge [version]'2.17.0' -and $module.Version -lt [version]'5.0.0') { $params['AsSecureString'] = $true }",
  '$token = Get-AzAccessToken @params',
  '$value = $token.Token',
  'if ($value -is [System.Security.SecureString]) {',
  '  if ($PSVersionTable.PSVersion.Major -ge 7) {',
  '    $value = ConvertFrom-SecureString -SecureString $value -AsPlainText',
  '  } else {',
  '    $bstr = [System.Runtime.InteropServices.Marshal]::SecureStringToBSTR($value)',
  '    try { $value = [System.Runtime.InteropServices.Marshal]::PtrToStringBSTR($bstr) }',
  '    finally { [System.Runtime.InteropServices.Marshal]::ZeroFreeBSTR($bstr) }',
  '  }',
  '}',
  '$expiresOn = ([DateTimeOffset]$token.ExpiresOn).ToUnixTimeSeconds()',
  'Write-Output (ConvertTo-Json -Compress -InputObject ([ordered]@{ Token = $value; ExpiresOn = $expiresOn }))',
].join('\n');
