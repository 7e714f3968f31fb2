-- Argo CD health of an EtcdRestore (etcdsnapshot.dev/v1alpha1), from its
-- phase and conditions (docs/restore.md):
--   Progressing  not reconciled yet, or Pending .. Verifying (waiting for a
--                missing EtcdBackup or Secret shows why)
--   Degraded     Failed: the first False condition says why
--   Healthy      Completed (a dry run included)
local hs = {}

local function says(c)
  local text = c.reason or c.type
  if c.message ~= nil and c.message ~= "" then
    text = text .. ": " .. c.message
  end
  return text
end

local function firstFalse()
  if obj.status == nil or obj.status.conditions == nil then
    return nil
  end
  for _, kind in ipairs({ "SourceValid", "ChecksumVerified", "Restored" }) do
    for _, c in ipairs(obj.status.conditions) do
      if c.type == kind and c.status == "False" then
        return c
      end
    end
  end
  return nil
end

local function restored()
  for _, c in ipairs(obj.status.conditions or {}) do
    if c.type == "Restored" then
      return c
    end
  end
  return nil
end

local generation = obj.metadata.generation or 0
if obj.status == nil or obj.status.phase == nil or (obj.status.observedGeneration or 0) < generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to reconcile generation " .. generation
  return hs
end

local phase = obj.status.phase
if phase == "Completed" then
  hs.status = "Healthy"
  local c = restored()
  hs.message = c ~= nil and says(c) or "Completed"
  return hs
end

if phase == "Failed" then
  hs.status = "Degraded"
  local c = firstFalse()
  hs.message = c ~= nil and says(c) or "Failed"
  return hs
end

hs.status = "Progressing"
local waiting = firstFalse()
if waiting ~= nil then
  hs.message = phase .. ": " .. says(waiting)
elseif obj.status.progress ~= nil and obj.status.progress.percent ~= nil then
  hs.message = phase .. ": " .. obj.status.progress.phase .. " " .. obj.status.progress.percent .. "%"
else
  hs.message = phase
end
return hs
