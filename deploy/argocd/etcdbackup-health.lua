-- Argo CD health of an EtcdBackup (etcdsnapshot.dev/v1alpha1), from the
-- conditions the operator keeps (docs/operator.md):
--   Progressing  the operator has not reconciled this generation yet
--   Degraded     Ready=False (bad spec, missing Secret, forbidden), the last
--                run failed, or no successful snapshot for too long (Stale)
--   Suspended    spec.suspend
--   Healthy      otherwise (also before the first scheduled run)
local hs = {}

local function condition(kind)
  if obj.status == nil or obj.status.conditions == nil then
    return nil
  end
  for _, c in ipairs(obj.status.conditions) do
    if c.type == kind then
      return c
    end
  end
  return nil
end

local function says(c)
  local text = c.reason or c.type
  if c.message ~= nil and c.message ~= "" then
    text = text .. ": " .. c.message
  end
  return text
end

local generation = obj.metadata.generation or 0
if obj.status == nil or (obj.status.observedGeneration or 0) < generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to reconcile generation " .. generation
  return hs
end

local ready = condition("Ready")
if ready ~= nil and ready.status == "False" then
  hs.status = "Degraded"
  hs.message = says(ready)
  return hs
end

if obj.spec ~= nil and obj.spec.suspend == true then
  hs.status = "Suspended"
  hs.message = "Suspended: no scheduled runs"
  return hs
end

local last = condition("LastBackupSucceeded")
if last ~= nil and last.status == "False" then
  hs.status = "Degraded"
  hs.message = says(last)
  return hs
end

local stale = condition("Stale")
if stale ~= nil and stale.status == "True" then
  hs.status = "Degraded"
  hs.message = says(stale)
  return hs
end

hs.status = "Healthy"
if obj.status.lastSuccessfulTime ~= nil then
  hs.message = "Last successful backup at " .. obj.status.lastSuccessfulTime
elseif ready ~= nil then
  hs.message = says(ready)
else
  hs.message = "No backup has run yet"
end
return hs
