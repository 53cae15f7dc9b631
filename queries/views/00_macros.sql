-- Scalar macros the views share. DuckDB inlines a macro where it is called, so a
-- predicate on its result is planned as if the expression were written out.

-- A login uid as auditd writes it, NULL when unset: 4294967295, or -1 as some kernels
-- and user-space tools print it.
CREATE OR REPLACE MACRO set_login_uid(auid) AS
    CASE WHEN auid NOT IN (4294967295, -1) THEN auid END;

-- The login uid behind an auditd event: the uid auditd resolved, else the process's
-- auid. auditd writes 4294967295 ((uid_t)-1, "unset") for processes that no login
-- started (daemons, boot services); that is NULL here.
CREATE OR REPLACE MACRO login_uid(resolved_uid, process_auid) AS
    set_login_uid(coalesce(resolved_uid, process_auid));

-- Whether a row (an audit record, or the event made of it) was read from a file whose
-- audit records came through syslog or the journal's text output (source_files): any
-- local user writes those (`logger -t audispd "type=LOGIN ..."`). audit.log and the
-- journal's JSON and export forms hold what the kernel wrote. A file whose format this
-- auditlake does not know (a parser plugin not installed) counts as relaying; a row of
-- no file the manifest lists (a lake built by hand) does not.
CREATE OR REPLACE MACRO relayed_audit(file_id) AS
    coalesce(
        file_id IN (SELECT source_file_id FROM source_files WHERE relays_audit IS NOT false),
        false
    );

-- Whether a command line (argv joined with spaces) has a word that ends in `name`: the
-- tool's name as argv[0] (`docker ps`, `/usr/bin/docker ps`) or as an argument
-- (`sudo docker ps`), read without splitting the line.
CREATE OR REPLACE MACRO names_program(cmd, name) AS
    contains(cmd, name || ' ') OR suffix(cmd, name);

-- Which of the tools `names` an exec ran, or NULL: the executable's name (auditd's exe,
-- the file the kernel ran), else argv[0]'s base name. argv[0] is the caller's choice
-- (`exec -a x docker run ...` hides docker from it), yet busybox-style programs act on
-- it (`exec -a pkill busybox auditd` is a pkill), so either names the tool.
CREATE OR REPLACE MACRO program_among(program, file_name, names) AS
    CASE
        WHEN list_contains(names, file_name) THEN file_name
        WHEN list_contains(names, program) THEN program
    END;

-- Whether an auditd `subj` (the process's security label) is one that container
-- engines give the processes of a container: AppArmor's docker-default, containerd's
-- and nerdctl's profiles, podman's containers-default-N (written `PROFILE (enforce)`,
-- sometimes after a stray `=`), SELinux's container types. The engine itself runs
-- unconfined or as container_runtime_t. A privileged container runs unconfined under
-- AppArmor: it is not told apart (privileged_container flags its start).
CREATE OR REPLACE MACRO container_label(subj) AS
    -- substring tests first: DuckDB runs them in the scan, the regex after it
    (
        contains(subj, 'default')
        OR contains(subj, 'container')
        OR contains(subj, 'spc_t')
        OR contains(subj, 'svirt_lxc')
    )
    AND regexp_matches(
        subj,
        '^=?(docker-default|cri-containerd\.apparmor\.d|nerdctl-default|containers-default-[0-9.]+) \(|:(container_t|container_init_t|container_kvm_t|spc_t|svirt_lxc_net_t):'
    );

-- Whether a device node gives whoever holds it the host's disks or memory: a whole
-- disk or partition (SCSI/SATA, virtio, Xen, NVMe, MMC, IDE), device-mapper, md RAID
-- and loop devices, their /dev/disk/ links, and /dev/mem, /dev/kmem, /dev/port.
CREATE OR REPLACE MACRO host_disk_or_memory(device) AS
    regexp_matches(
        device,
        '^/dev/((sd|vd|xvd|hd)[a-z]+[0-9]*|nvme[0-9]+(n[0-9]+(p[0-9]+)?)?|mmcblk[0-9]+(p[0-9]+)?|dm-[0-9]+|md[0-9]+|loop[0-9]+|mapper/.+|disk/.+|mem|kmem|port)$'
    );

-- A host path as the detections compare it: /var/run is a symlink to /run, and a
-- trailing slash names the same directory.
CREATE OR REPLACE MACRO host_path(p) AS
    CASE
        WHEN p = '/var/run' OR starts_with(p, '/var/run/') THEN substr(p, 5)
        WHEN length(p) > 1 THEN rtrim(p, '/')
        ELSE p
    END;

-- An absolute path made lexically normal, as docker cleans a bind mount's source
-- (`//`, `/tmp/..`, `/./` all name `/`). auditd paths are made normal by the parser;
-- this is for paths read from command lines.
CREATE OR REPLACE MACRO clean_path(p) AS
    coalesce(
        nullif(
            list_reduce(
                list_prepend('', string_split(p, '/')),
                lambda acc, part: CASE
                    WHEN part IN ('', '.') THEN acc
                    WHEN part = '..' THEN regexp_replace(acc, '/[^/]*$', '')
                    ELSE acc || '/' || part
                END
            ),
            ''
        ),
        '/'
    );

-- The value of a command-line option however it is spelled: a word matching `alone`
-- (`-G`, `-aG` after flags, `--groups`) followed by the value, or a word matching
-- `attached` whose second group is the value (`-Gdocker`, `--groups=docker`). The last
-- one given, as getopt leaves it; NULL if none.
CREATE OR REPLACE MACRO option_value(args, alone, attached) AS
    list_filter(
        list_transform(
            args,
            lambda a, i: CASE
                WHEN regexp_matches(a, alone) THEN args[i + 1]
                ELSE nullif(regexp_extract(a, attached, 2), '')
            END
        ),
        lambda v: v IS NOT NULL
    )[-1];

-- The operands of a command line parsed as getopt_long does (options may come after
-- them, as GNU getopt permutes): the words after the program that are neither options
-- nor the value of the option before them (a word matching `takes_value`), and every
-- word after `--`.
CREATE OR REPLACE MACRO operands(args, takes_value) AS
    list_filter(
        list_transform(
            args,
            lambda a, i: CASE
                WHEN i = 1 THEN NULL
                -- after `--` (list_position is NULL when there is none)
                WHEN coalesce(list_position(args, '--') < i, false) THEN a
                WHEN i > 2 AND regexp_full_match(args[i - 1], takes_value) THEN NULL
                WHEN starts_with(a, '-') AND a <> '-' THEN NULL
                ELSE a
            END
        ),
        lambda a: a IS NOT NULL
    );

-- `args` with each unambiguous abbreviation of one of `names` (`--gro`, `--app=x`)
-- written out.
CREATE OR REPLACE MACRO expand_long_options(args, names) AS
    list_transform(
        args,
        lambda a: CASE
            WHEN starts_with(a, '--') AND length(split_part(a, '=', 1)) > 2
                AND NOT list_contains(names, split_part(a, '=', 1))
                AND len(list_filter(names, lambda o: starts_with(o, split_part(a, '=', 1)))) = 1
                THEN list_filter(names, lambda o: starts_with(o, split_part(a, '=', 1)))[1]
                    || CASE WHEN contains(a, '=') THEN substr(a, strpos(a, '=')) ELSE '' END
            ELSE a
        END
    );
