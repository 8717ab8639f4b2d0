-- One institution may be listed by several sources (HIRA, NMC, Gyeonggi). class is the
-- 종별 normalised across them; specialists the 전문의 count per department
-- ("D001:3,D002:1"); listed_by the scopes whose latest snapshot lists the institution
-- ("hira:hospital,nmc:hospital"), so that a full refresh of one source closes only what
-- no source lists any more; owners which source wrote each field group last
-- ("hours=nmc,departments=hira"), so that a weaker source never overwrites a stronger one.
ALTER TABLE institutions ADD COLUMN class TEXT NOT NULL DEFAULT '';
ALTER TABLE institutions ADD COLUMN specialists TEXT NOT NULL DEFAULT '';
ALTER TABLE institutions ADD COLUMN listed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE institutions ADD COLUMN owners TEXT NOT NULL DEFAULT '';
UPDATE institutions SET listed_by = source WHERE status <> 'closed';
