-- Argo CD health of an EtcdRestore (etcdsnapshot.dev/v1alpha1), from its
-- phase and conditions (docs/restore.md):
--   Progressing  not reconciled yet, or Pending .. Verifying (waiting for a
--                missing EtcdBackup or Secret shows why)
--   Degraded     Failed: the first False condition says why
--   Healthy      Completed (a dry run included)
local function result(status, message)
  return { status = status, message = message }
end

local function says(c)
  local text = c.reason or c.type
  if c.message ~= nil and c.message ~= "" then
    text = text .. ": " .. c.message
  end
  return text
end

local function condition(kind)
  for _, c in ipairs((obj.status or {}).conditions or {}) do
    if c.type == kind then
      return c
    end
  end
  return nil
end

-- The first False condition, in the order a restore checks them.
local function firstFalse()
  for _, kind in ipairs({ "SourceValid", "ChecksumVerified", "Restored" }) do
    local c = condition(kind)
    if c ~= nil and c.status == "False" then
      return c
    end
  end
  return nil
end

local generation = obj.metadata.generation or 0
if obj.status == nil or obj.status.phase == nil or (obj.status.observedGeneration or 0) < generation then
  return result("Progressing", "Waiting for the operator to reconcile generation " .. generation)
end

local phase = obj.status.phase
if phase == "Completed" then
  local c = condition("Restored")
  return result("Healthy", c ~= nil and says(c) or "Completed")
end
if phase == "Failed" then
  local c = firstFalse()
  return result("Degraded", c ~= nil and says(c) or "Failed")
end

local waiting = firstFalse()
if waiting ~= nil then
  return result("Progressing", phase .. ": " .. says(waiting))
end
local progress = obj.status.progress
if progress ~= nil and progress.percent ~= nil then
  return result("Progressing", phase .. ": " .. progress.phase .. " " .. progress.percent .. "%")
end
return result("Progressing", phase)
