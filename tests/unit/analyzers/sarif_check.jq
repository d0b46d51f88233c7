# The required structure of a SARIF 2.1.0 log, as ctrace writes it:
# version and $schema; one run whose tool.driver has a name and uniquely
# named rules; every result with ruleId/ruleIndex pointing at its rule, a
# level, a message text and at least one physical location with an artifact
# URI (and startLine >= 1 when a region is given); related locations with ids.
. as $log
| ($log.version == "2.1.0")
and ($log["$schema"] | type == "string" and test("sarif"))
and ($log.runs | type == "array" and length == 1)
and ($log.runs[0].tool.driver.name == "ctrace")
and ($log.runs[0].tool.driver.rules | type == "array" and length > 0)
and ([$log.runs[0].tool.driver.rules[].id] | length == (unique | length))
and ($log.runs[0].tool.driver.rules
     | all(.[]; (.id | type == "string") and (.shortDescription.text | type == "string")
               and (.defaultConfiguration.level | IN("none", "note", "warning", "error"))))
and ($log.runs[0].results | type == "array")
and ($log.runs[0].results
     | all(.[];
           . as $res
           | ($res.ruleId | type == "string")
           and ($log.runs[0].tool.driver.rules[$res.ruleIndex].id == $res.ruleId)
           and ($res.level | IN("none", "note", "warning", "error"))
           and ($res.message.text | type == "string" and length > 0)
           and ($res.locations | type == "array" and length >= 1)
           and (($res.locations + ($res.relatedLocations // []))
                | all(.[]; (.physicalLocation.artifactLocation.uri | type == "string")
                          and ((.physicalLocation.region.startLine // 1) >= 1)))
           and (($res.relatedLocations // []) | all(.[]; .id | type == "number"))
           and (($res.codeFlows // []) | all(.[]; .threadFlows | all(.[]; .locations | length >= 1)))))
