-- Argo CD health of an EtcdBackup (etcdsnapshot.dev/v1alpha1), from the
-- conditions the operator keeps (docs/operator.md):
--   Progressing  the operator has not reconciled this generation yet
--   Degraded     Ready=False (bad spec, missing Secret, forbidden), the last
--                run failed, or no successful snapshot for too long (Stale)
--   Suspended    spec.suspend
--   Healthy      otherwise (also before the first scheduled run)
local function result(status, message)
  return { status = status, message = message }
end

local function condition(kind)
  for _, c in ipairs((obj.status or {}).conditions or {}) do
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
  return result("Progressing", "Waiting for the operator to reconcile generation " .. generation)
end

local ready = condition("Ready")
if ready ~= nil and ready.status == "False" then
  return result("Degraded", says(ready))
end

if obj.spec ~= nil and obj.spec.suspend == true then
  return result("Suspended", "Suspended: no scheduled runs")
end

local last = condition("LastBackupSucceeded")
if last ~= nil and last.status == "False" then
  return result("Degraded", says(last))
end

local stale = condition("Stale")
if stale ~= nil and stale.status == "True" then
  return result("Degraded", says(stale))
end

if obj.status.lastSuccessfulTime ~= nil then
  return result("Healthy", "Last successful backup at " .. obj.status.lastSuccessfulTime)
end
return result("Healthy", ready ~= nil and says(ready) or "No backup has run yet")
